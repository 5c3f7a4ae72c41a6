import type { Checkpoint } from '../../src/audit/checkpoint';
import type { Form, Question } from '../../src/conversation/form-definition';
import type { Prompts } from '../../src/conversation/prompts';
import { riskCheckForm } from '../../src/conversation/risk-check-form';
import { getPath } from '../../src/conversation/schema-path';
import { formatDay, formatLondon } from '../../src/domain/london-time';
import type { RecordEnvelope } from '../../src/domain/record-envelope';
import { namesChild } from '../../src/domain/records';
import type { RecordType } from '../../src/domain/references';
import type { RiskCheckId } from '../../src/domain/risk';
import type { RoleChangeNotice } from '../../src/people/admin.service';

/**
 * The record as a police researcher reads it: laid out like the FIB1 / CPI form they know, in
 * plain text and in simple HTML (no remote images, no scripts). The words of each question are
 * the form's own, from prompts/, so the email says what the practitioner was asked.
 */

export const recordTitles: Record<RecordType, string> = {
  intelligence: 'Intelligence',
  missing: 'Missing child',
  return: 'Return',
  'return-interview': 'Return interview',
  'risk-check': 'Risk check',
  'met-list-change': 'MET list change',
};

const formTitles: Record<RecordType, string> = {
  intelligence: 'Community Partnership Information (FIB1 / CPI): intelligence for the police',
  missing: 'Child reported missing: notification to partners',
  return: 'Child returned or found',
  'return-interview': 'Independent return interview',
  'risk-check': 'Quick risk check',
  'met-list-change': 'MET list change',
};

const surfaces: Record<string, string> = {
  slack: 'Slack',
  teams: 'Microsoft Teams',
  console: 'the terminal chat',
  api: 'the partner API',
  web: 'the dashboard',
};

export interface Line {
  label: string;
  value: string;
}
export interface Section {
  title: string;
  lines: Line[];
}
export interface RenderedRecord {
  subject: string;
  text: string;
  html: string;
}

export function subjectOf(envelope: RecordEnvelope): string {
  const agency = envelope.submittedBy.agency ?? 'no agency given';
  return `OFFICIAL-SENSITIVE: ${recordTitles[envelope.type]} ${envelope.reference} (${agency})`;
}

/** "leadProfessional" → "Lead professional". */
function humanise(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

const isoMoment = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/;

function plainValue(value: unknown): string {
  if (value === null || value === undefined) return 'Not given';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length ? value.map(plainValue).join(', ') : 'None';
  if (typeof value === 'string' && isoMoment.test(value)) return formatLondon(new Date(value));
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function shownValue(question: Question, value: unknown): string {
  const label = (v: unknown) => question.options?.find((o) => o.value === v)?.label ?? plainValue(v);
  switch (question.type) {
    case 'choice':
      return label(value);
    case 'multichoice':
      return Array.isArray(value) && value.length ? value.map(label).join('; ') : 'None';
    case 'date':
      return typeof value === 'string' ? formatDay(value) : plainValue(value);
    default:
      return plainValue(value);
  }
}

function flatten(value: unknown, prefix: string, out: [string, unknown][]): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) out.push([prefix, value]);
}

function formFor(envelope: RecordEnvelope, prompts: Prompts): Form | undefined {
  if (envelope.type === 'risk-check') {
    const check = envelope.answers.check as RiskCheckId;
    return prompts.risk.checks[check] ? riskCheckForm(prompts.risk, check, prompts.messages) : undefined;
  }
  return [...prompts.forms.values()].find((form) => form.record === envelope.type);
}

const metActions: Record<string, string> = {
  nominate: 'Nominated for the MET list',
  accept: 'Accepted onto the MET list',
  decline: 'Nomination declined',
  'set-level': 'Level changed',
  'set-review': 'Review date set',
  'set-lead-professional': 'Lead professional named',
  remove: 'Taken off the MET list',
};
const metStatuses: Record<string, string> = {
  nominated: 'Nominated, waiting for the group',
  active: 'On the list',
  declined: 'Declined',
  removed: 'Off the list',
};

/** A MET list change has no form: it reads as what changed, from what, to what, and why. */
function metListSection(answers: Record<string, unknown>): Section {
  const child = answers.child as { name: string; initials: string };
  const change = (from: unknown, to: unknown, words: Record<string, string> = {}) => {
    const say = (v: unknown) => (typeof v === 'string' ? (words[v] ?? v) : 'None');
    return from === to || from === null ? say(to) : `${say(from)} → ${say(to)}`;
  };
  return {
    title: 'The change',
    lines: [
      { label: 'Change', value: metActions[String(answers.action)] ?? String(answers.action) },
      { label: 'Child', value: `${child.name} (${child.initials})` },
      { label: 'Status', value: change(answers.fromStatus, answers.toStatus, metStatuses) },
      { label: 'Level', value: change(answers.fromLevel, answers.toLevel) },
      { label: 'Reason', value: String(answers.reason) },
      { label: 'Next review', value: plainValue(answers.reviewDate ?? 'Not set') },
      { label: 'Lead professional', value: plainValue(answers.leadProfessional ?? 'Not named') },
    ],
  };
}

/** The answers in the form's order and words; anything the form does not ask, after, by its field name. */
function answerSections(envelope: RecordEnvelope, prompts: Prompts): Section[] {
  if (envelope.type === 'met-list-change') return [metListSection(envelope.answers)];
  const form = formFor(envelope, prompts);
  const covered = new Set<string>();
  const sections: Section[] = [];
  for (const step of form?.steps ?? []) {
    const lines: Line[] = [];
    for (const question of step.questions) {
      const value = getPath(envelope.answers, question.field);
      covered.add(question.field);
      if (value === undefined) continue;
      lines.push({ label: question.label, value: shownValue(question, value) });
    }
    if (lines.length) sections.push({ title: step.title, lines });
  }
  const rest: [string, unknown][] = [];
  flatten(envelope.answers, '', rest);
  const others = rest
    .filter(([path]) => !covered.has(path))
    .map(([path, value]) => ({ label: path.split('.').map(humanise).join(': '), value: plainValue(value) }));
  if (others.length) sections.push({ title: form ? 'Other details' : 'Details', lines: others });
  return sections;
}

function derivedSection(envelope: RecordEnvelope): Section | undefined {
  const derived = envelope.derived;
  if (!derived) return undefined;
  const lines: Line[] = [];
  if (envelope.type === 'risk-check') {
    const result = derived.result as {
      level: string;
      suggestedLevel?: string;
      score: number;
      reasons: string[];
      nextSteps: string[];
      unknown?: string[];
    };
    if (derived.chosenLevel) {
      lines.push({ label: "Practitioner's level", value: String(derived.chosenLevel).toUpperCase() });
    }
    lines.push({ label: 'Suggested level', value: (result.suggestedLevel ?? result.level).toUpperCase() });
    lines.push({ label: 'Indicators', value: String(result.score) });
    if (result.reasons.length) lines.push({ label: 'Because', value: result.reasons.join('; ') });
    if (result.unknown?.length) lines.push({ label: 'Not known', value: result.unknown.join('; ') });
    lines.push({ label: 'Next steps', value: result.nextSteps.join('; ') });
  } else {
    const rest: [string, unknown][] = [];
    flatten(derived, '', rest);
    for (const [path, value] of rest) lines.push({ label: humanise(path), value: plainValue(value) });
  }
  return { title: 'Worked out by metbot', lines };
}

/** Everything the email shows, in order. */
export function sectionsOf(envelope: RecordEnvelope, prompts: Prompts): Section[] {
  const by = envelope.submittedBy;
  const header: Section = {
    title: 'Record',
    lines: [
      { label: 'Reference', value: envelope.reference },
      { label: 'Record ID', value: envelope.id },
      { label: 'Submitted', value: `${formatLondon(new Date(envelope.submittedAt))} (UK time)` },
      { label: 'Submitted by', value: by.name },
      { label: 'Agency', value: by.agency ?? 'Not given' },
      { label: 'Sent from', value: surfaces[by.surface] ?? by.surface },
    ],
  };
  const derived = derivedSection(envelope);
  return [header, ...answerSections(envelope, prompts), ...(derived ? [derived] : [])];
}

function immediateDanger(envelope: RecordEnvelope): boolean {
  return envelope.answers.immediateDanger === true;
}

const dangerLine = 'The person who sent this said someone is in IMMEDIATE DANGER.';

const subjects: Record<string, string> = {
  place: 'a place',
  vehicle: 'a vehicle',
  person: 'a person of concern',
};

/** Issue 16: intelligence about a place, vehicle or person says so before anything else is read. */
function noChildLine(envelope: RecordEnvelope): string | undefined {
  if (envelope.type !== 'intelligence' || namesChild(envelope.answers)) return undefined;
  const about = subjects[String(envelope.answers.about)] ?? 'something other than a child';
  return `No child is named in this report. It is about ${about}.`;
}

export function renderText(envelope: RecordEnvelope, prompts: Prompts): string {
  const out = ['OFFICIAL-SENSITIVE', formTitles[envelope.type], ''];
  if (immediateDanger(envelope)) out.push(`*** ${dangerLine} ***`, '');
  const noChild = noChildLine(envelope);
  if (noChild) out.push(noChild, '');
  for (const section of sectionsOf(envelope, prompts)) {
    out.push(section.title.toUpperCase(), '-'.repeat(section.title.length));
    for (const line of section.lines) {
      const [first = '', ...more] = line.value.split('\n');
      out.push(`${line.label}: ${first}`, ...more.map((l) => `    ${l}`));
    }
    out.push('');
  }
  out.push(
    `The full record is attached as ${envelope.reference}.json (metbot ${envelope.type} record, schema version ${envelope.schemaVersion}).`,
    'OFFICIAL-SENSITIVE: share only with those who need it to keep a child safe.',
  );
  return `${out.join('\n')}\n`;
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

export function renderHtml(envelope: RecordEnvelope, prompts: Prompts): string {
  const cell = 'style="text-align:left;vertical-align:top;padding:4px 8px;border:1px solid #999"';
  const parts = [
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">',
    `<title>${escapeHtml(subjectOf(envelope))}</title></head>`,
    '<body style="font-family:Arial,sans-serif;font-size:14px;color:#000">',
    '<p style="font-weight:bold">OFFICIAL-SENSITIVE</p>',
    `<h1 style="font-size:18px">${escapeHtml(formTitles[envelope.type])}</h1>`,
  ];
  if (immediateDanger(envelope)) {
    parts.push(`<p style="font-weight:bold;border:2px solid #000;padding:8px">${escapeHtml(dangerLine)}</p>`);
  }
  const noChild = noChildLine(envelope);
  if (noChild) parts.push(`<p style="font-weight:bold">${escapeHtml(noChild)}</p>`);
  for (const section of sectionsOf(envelope, prompts)) {
    parts.push(`<h2 style="font-size:16px">${escapeHtml(section.title)}</h2>`);
    parts.push('<table style="border-collapse:collapse">');
    for (const line of section.lines) {
      const value = escapeHtml(line.value).replace(/\n/g, '<br>');
      parts.push(`<tr><th scope="row" ${cell}>${escapeHtml(line.label)}</th><td ${cell}>${value}</td></tr>`);
    }
    parts.push('</table>');
  }
  parts.push(
    `<p>The full record is attached as ${escapeHtml(envelope.reference)}.json (metbot ${escapeHtml(envelope.type)} record, schema version ${envelope.schemaVersion}).</p>`,
    '<p>OFFICIAL-SENSITIVE: share only with those who need it to keep a child safe.</p>',
    '</body></html>',
  );
  return parts.join('\n');
}

export function renderRecord(envelope: RecordEnvelope, prompts: Prompts): RenderedRecord {
  return {
    subject: subjectOf(envelope),
    text: renderText(envelope, prompts),
    html: renderHtml(envelope, prompts),
  };
}

/**
 * A role change told to the MET coordinator: who changed whose roles, and every role held before
 * and after (a person may hold several). Plain text.
 */
export function renderRoleChange(notice: RoleChangeNotice): { subject: string; text: string } {
  return {
    subject: `metbot: ${notice.person}'s roles are now ${notice.to} (were ${notice.from})`,
    text: [
      'A role was changed in metbot.',
      '',
      `Person: ${notice.person}`,
      `Roles before: ${notice.from}`,
      `Roles now: ${notice.to}`,
      ...(notice.agency ? [`Agency: ${notice.agency}`] : []),
      `Changed by: ${notice.changedBy} (${notice.surface})`,
      `When: ${formatLondon(new Date(notice.changedAt))} (UK time)`,
      '',
      'If you did not expect this change, ask the admins of metbot about it.',
      '',
    ].join('\n'),
  };
}

/** A signed audit checkpoint for the MET coordinator to keep: the file is what `audit verify` reads. */
export function renderCheckpoint(checkpoint: Checkpoint): { subject: string; text: string } {
  return {
    subject: `metbot: audit checkpoint, event ${checkpoint.seq}`,
    text: [
      'This is a signed checkpoint of the metbot audit trail. Please keep this email: it holds no',
      "one's details, only where the trail had got to.",
      '',
      `Last event: ${checkpoint.seq} (${checkpoint.events} events in all)`,
      `Made: ${formatLondon(new Date(checkpoint.madeAt))} (UK time)`,
      '',
      'If someone ever changes or cuts the audit trail, an admin can show it with the attached file:',
      '  npm run admin -- audit verify --checkpoint <the attached file>',
      '',
    ].join('\n'),
  };
}
