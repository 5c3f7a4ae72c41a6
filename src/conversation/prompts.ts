import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { type AlertRules, AlertRulesSchema } from '../domain/alert-rules';
import { type RiskRules, RiskRulesSchema } from '../domain/risk';
import { type Form, FormSchema } from './form-definition';

const Line = z.string().min(1);
export const MessagesSchema = z.object({
  /** `help`: made from the command table's help keys (src/chat/commands.ts), a line for each. */
  help: z.object({ intro: Line, lines: z.record(z.string(), Line), outro: Line }),
  unknown: Line,
  formControls: Line,
  optionalHint: Line,
  choiceHint: Line,
  multichoiceHint: Line,
  yesnoHint: Line,
  cannotSkip: Line,
  nothingToGoBackTo: Line,
  cancelled: Line,
  askAgain: Line,
  summaryPrompt: Line,
  summaryUnclear: Line,
  summaryCheck: Line,
  draftExpired: Line,
  resumed: Line,
  busyWithForm: Line,
  noValue: Line,
  yes: Line,
  no: Line,
  refused: Line,
  refusedAdmin: Line,
  notKnown: Line,
  noOpenEpisodes: Line,
  noInterviewsDue: Line,
  assignUsage: Line,
  assigned: Line,
  adminUsage: Line,
  granted: Line,
  roleProposed: Line,
  roleConfirmed: Line,
  retried: Line,
  setupUsage: Line,
  privateOnly: Line,
  dutySet: Line,
  alertQueued: Line,
  alertKeptOpen: Line,
  ackUsage: Line,
  ackNone: Line,
  acknowledged: Line,
  saveFailed: Line,
  // The practice loop (issue 15, loopa): honest unknowns, interview assignment and next steps.
  unknownAnswer: Line,
  dontKnowHint: Line,
  missingHistory: Line,
  missingHistoryNoneOnRecord: Line,
  assignedPending: Line,
  nextSteps: z.object({
    cseCheck: Line,
    cceCheck: Line,
    asIntelligence: Line,
    dutyTold: Line,
    dutyNotReachable: Line,
  }),
  /** A sealed value that does not open where it was found (src/store/field-crypto.ts). */
  sealedMismatch: Line,
  /** The words of the problems every door answers with a code (src/access/problems.ts). */
  problems: z.object({ notFoundReference: Line, notFoundChild: Line, internal: Line }),
  /** Where a saved record went: said on every surface, so that "sent" is said only when it is true. */
  sentTo: z.object({ police: Line, coordinator: Line, caseFile: Line, keptOnly: Line }),
  lists: z.record(z.string(), Line),
  metGroup: z.object({
    proposed: Line,
    handoverAdult: Line,
    handoverMoved: Line,
  }),
  people: z.object({
    askAdmins: Line,
    askAnyAdmin: Line,
    askOtherAdmin: Line,
    askAnotherAdmin: Line,
    askOperator: Line,
    grantedAlso: Line,
    alreadyHolds: Line,
    pendingGranted: Line,
    pendingProposed: Line,
    pendingConfirmed: Line,
    revoked: Line,
    pendingRevoked: Line,
    notHeld: Line,
    onlyRole: Line,
    lastAdmin: Line,
    revokeUsage: Line,
    unknownPerson: Line,
  }),
  riskCheck: z.record(z.string(), Line),
  /** The section K records MET members add in chat (src/chat/section-k-chat.ts). */
  sectionK: z.object({
    usage: z.object({ nrm: Line, disruption: Line, trained: Line, awareness: Line }),
    nrmReferred: Line,
    nrmDecision: Line,
    nrmFact: Line,
    disruption: Line,
    trained: Line,
    awareness: Line,
    noAgency: Line,
    keptHere: Line,
    notUnderstood: Line,
  }),
  /** Structured answers about people, vehicles, phones, online names and places (issue 19). */
  entities: z.object({ suggested: Line, nothingToUse: Line }),
  /** One child, one record: possible duplicates, merge, keep apart, and the reporter's question. */
  children: z.object({
    usage: Line,
    title: Line,
    empty: Line,
    merged: Line,
    keptApart: Line,
    unmerged: Line,
    question: Line,
    questionAgain: Line,
    answeredSame: Line,
    answeredDifferent: Line,
    answeredUnsure: Line,
    queued: Line,
    reasons: z.record(z.string(), Line),
  }),
});
export type Messages = z.infer<typeof MessagesSchema>;

export interface Prompts {
  messages: Messages;
  forms: Map<string, Form>;
  risk: RiskRules;
  alerts: AlertRules;
}

/** A prompt file that does not parse or does not fit its schema: names the file and line. */
export class PromptError extends Error {}

export const defaultPromptsDir = join(import.meta.dirname, '..', '..', 'prompts');

function loadYaml<T>(file: string, schema: z.ZodType<T>): T {
  const source = readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const name = relative(process.cwd(), file);
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const { line } = lineCounter.linePos(error.pos[0]);
    throw new PromptError(`${name}:${line}: ${error.message.split('\n')[0]}`);
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // The nearest node that exists on the issue's path gives the line.
  let line = 1;
  for (let depth = issue.path.length; depth >= 0; depth -= 1) {
    const node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range || (depth === 0 && isMap(doc.contents))) {
      const offset = node?.range?.[0] ?? 0;
      line = lineCounter.linePos(offset).line;
      break;
    }
  }
  throw new PromptError(`${name}:${line}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
}

export function loadPrompts(dir = defaultPromptsDir): Prompts {
  const messages = loadYaml(join(dir, 'messages.yaml'), MessagesSchema);
  const risk = loadYaml(join(dir, 'risk-checks.yaml'), RiskRulesSchema);
  const alerts = loadYaml(join(dir, 'alert-rules.yaml'), AlertRulesSchema);
  const forms = new Map<string, Form>();
  const formsDir = join(dir, 'forms');
  for (const file of readdirSync(formsDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const form = loadYaml(join(formsDir, file), FormSchema);
    if (forms.has(form.id)) throw new PromptError(`${file}: a form with id "${form.id}" already exists`);
    forms.set(form.id, form);
  }
  return { messages, forms, risk, alerts };
}

/** Fills {placeholders}; a placeholder with no value is a programming error, not a blank. */
export function fill(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`No value for {${key}} in "${template.slice(0, 40)}…"`);
    return String(values[key]);
  });
}
