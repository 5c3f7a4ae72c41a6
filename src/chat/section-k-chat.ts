import { ZodError } from 'zod';
import type { Actor } from '../access/actor';
import { NotPossibleError } from '../access/refusal';
import { parseAnswer } from '../conversation/answer-parsers';
import { fill, type Messages } from '../conversation/prompts';
import { type Reply, text } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import { fromLondon } from '../domain/london-time';
import type { ChatSectionK } from './ports';

type Deps = { sectionK: ChatSectionK; clock: Clock; messages: Messages };

class Usage extends Error {}

/** A typed day ("3/10/2026", "yesterday", "today"; today when left out) as midnight in London. */
function day(words: string[], now: Date): Date {
  if (words.length === 0) words = ['today'];
  const parsed = parseAnswer('date', words.join(' '), [], now);
  if (!parsed.ok) throw new NotPossibleError(parsed.reason);
  const [year, month, date] = String(parsed.value).split('-').map(Number) as [number, number, number];
  return fromLondon({ year, month, day: date, hour: 0, minute: 0 });
}

function whole(word: string | undefined): number {
  if (!word || !/^\d{1,7}$/.test(word)) throw new Usage();
  return Number(word);
}

const decisionWords: Record<string, 'reasonable' | 'conclusive'> = {
  'reasonable-grounds': 'reasonable',
  rg: 'reasonable',
  'conclusive-grounds': 'conclusive',
  cg: 'conclusive',
};

/**
 * The section K records in chat, for MET group members in a private chat:
 *   nrm <reference> referred <date> by <who> [ref <NRM reference>]
 *   nrm <reference> reasonable-grounds|conclusive-grounds <positive|negative> [date]
 *   nrm <reference> guardian|smuggled <yes|no|dont-know>
 *   disruption <reference> <cawn|order|prosecution|conviction|other> [date] [perpetrator <name or reference>]
 *   trained <number> [of <frontline staff>] [date]
 *   awareness <people reached> [date]
 * Every answer is checked by the service's zod schemas; a wrong one is explained and can be sent again.
 */
export async function sectionKCommand(deps: Deps, actor: Actor, raw: string[]): Promise<Reply[]> {
  const [command = '', ...rest] = raw;
  const verb = command.toLowerCase();
  const m = deps.messages.sectionK;
  const usage = m.usage[verb as keyof typeof m.usage] ?? m.usage.nrm;
  try {
    const said = await run(deps, actor, verb, rest);
    return [text(said, 'success'), text(m.keptHere)];
  } catch (error) {
    if (error instanceof Usage) return [text(usage)];
    if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
    if (isZodError(error))
      return [text(`${error.issues[0]?.message ?? m.notUnderstood} ${usage}`, 'warning')];
    throw error;
  }
}

function isZodError(error: unknown): error is ZodError {
  return error instanceof ZodError;
}

async function run(deps: Deps, actor: Actor, verb: string, rest: string[]): Promise<string> {
  const { sectionK, clock } = deps;
  const m = deps.messages.sectionK;
  const now = clock.now();
  const lower = rest.map((w) => w.toLowerCase());
  switch (verb) {
    case 'nrm': {
      const [reference, what, ...more] = rest;
      if (!reference || !what) throw new Usage();
      const word = what.toLowerCase();
      if (word === 'referred') {
        const by = lower.indexOf('by');
        if (by < 0) throw new Usage();
        const refAt = lower.indexOf('ref');
        const dateWords = rest.slice(2, by);
        const who = lower[by + 1];
        const nrmReference = refAt > by ? rest.slice(refAt + 1).join(' ') || undefined : undefined;
        const done = await sectionK.recordNrmReferral(actor, {
          reference,
          referredAt: day(dateWords, now),
          referredBy: who as never,
          nrmReference,
        });
        return fill(m.nrmReferred, { initials: done.initials, reference: done.reference });
      }
      const stage = decisionWords[word];
      if (stage) {
        const [decision, ...dateWords] = more;
        const done = await sectionK.recordNrmDecision(actor, {
          reference,
          stage,
          decision: (decision ?? '').toLowerCase() as never,
          at: day(dateWords, now),
        });
        return fill(m.nrmDecision, {
          initials: done.initials,
          reference: done.reference,
          stage: stage === 'reasonable' ? 'reasonable-grounds' : 'conclusive-grounds',
          decision: (decision ?? '').toLowerCase(),
        });
      }
      if (word === 'guardian' || word === 'smuggled') {
        const value = more.join('-').toLowerCase().replace(/['’]/g, '');
        const done = await sectionK.recordNrmFact(actor, { reference, fact: word, value: value as never });
        return fill(m.nrmFact, { initials: done.initials, reference: done.reference });
      }
      throw new Usage();
    }
    case 'disruption': {
      const [reference, kind, ...more] = rest;
      if (!reference || !kind) throw new Usage();
      const at = more.findIndex((w) => w.toLowerCase() === 'perpetrator');
      const dateWords = at < 0 ? more : more.slice(0, at);
      const perpetrator = at < 0 ? undefined : more.slice(at + 1).join(' ') || undefined;
      const done = await sectionK.recordDisruption(actor, {
        reference,
        kind: kind.toLowerCase() as never,
        occurredAt: day(dateWords, now),
        perpetrator,
      });
      return fill(m.disruption, { initials: done.initials, reference: done.reference });
    }
    case 'trained': {
      const people = whole(rest[0]);
      const of = lower[1] === 'of' ? whole(rest[2]) : undefined;
      const dateWords = rest.slice(of === undefined ? 1 : 3);
      const done = await sectionK.recordTraining(actor, {
        kind: 'training',
        people,
        frontlineStaff: of,
        heldOn: day(dateWords, now),
      });
      return fill(m.trained, { people, agency: done.agency ?? m.noAgency });
    }
    case 'awareness': {
      const people = whole(rest[0]);
      const done = await sectionK.recordTraining(actor, {
        kind: 'awareness',
        people,
        heldOn: day(rest.slice(1), now),
      });
      return fill(m.awareness, { people, agency: done.agency ?? m.noAgency });
    }
    default:
      throw new Usage();
  }
}
