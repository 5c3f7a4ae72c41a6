import type { ListItem, Reply } from '../conversation/reply';
import { text } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import type { Actor } from './actor';
import {
  currentMonth,
  type FiguresService,
  type MonthlyFigures,
  monthLabel,
  parseMonth,
  tidy,
} from './figures.service';
import { authorise } from './refusal';

/** The monthly figures in chat: `figures` and `figures <month>`, counted by the same service as the page. */

const percent = (value: number | null) => (value === null ? 'none to count' : `${Math.round(value * 100)}%`);

/** The figures as one neutral list reply: the chat's `figures` and `figures <month>`. */
export function figuresAsReply(figures: MonthlyFigures): Reply {
  const { list, missing, returnInterviews: ri, intelligence, riskChecks, nrm } = figures;
  const n = (value: number) => String(value);
  const items: ListItem[] = [
    {
      title: 'MET list',
      fields: [
        ...list.levels.map((row) => ({
          label: row.level === 'not set' ? 'Level not set' : `${tidy(row.level)}`,
          value: `${row.end} (${signed(row.change)} on the month)`,
        })),
        {
          label: 'Moved from high to low',
          value: `${list.highToLow} of ${list.highAtStart} (${percent(list.highToLowProportion)})`,
        },
        { label: 'Joined / left the list', value: `${list.joined} / ${list.left}` },
      ],
    },
    {
      title: 'Missing',
      fields: [
        { label: 'Episodes', value: n(missing.episodes) },
        { label: 'Children', value: n(missing.children) },
        ...missing.byTimes.map((row) => ({
          label: `${row.label} in ${missing.windowDays} days`,
          value: n(row.children),
        })),
      ],
    },
    {
      title: 'Return interviews',
      fields: [
        { label: 'Returns', value: n(ri.returned) },
        { label: 'Offered', value: n(ri.offered) },
        { label: 'Offered within 72 hours', value: n(ri.offeredWithin72Hours) },
        { label: 'Completed', value: `${ri.completed} (${percent(ri.completedProportion)} of returns)` },
        { label: 'Declined', value: n(ri.declined) },
        { label: 'Still to do', value: n(ri.outstanding) },
      ],
    },
    {
      title: `Intelligence reports: ${intelligence.total}`,
      fields: intelligence.byAgency.map((row) => ({ label: row.agency, value: n(row.reports) })),
    },
    {
      title: `Risk checks: ${riskChecks.total}`,
      fields: [
        ...riskChecks.byCheck.map((row) => ({
          label: row.name,
          value: `${row.total} (high ${row.high}, medium ${row.medium}, low ${row.low})`,
        })),
        { label: 'Children at risk of exploitation', value: n(riskChecks.childrenAtRiskOfExploitation) },
        { label: 'NRM referral considered', value: n(nrm.referralsConsidered) },
        { label: 'Children thought trafficked', value: n(nrm.childrenThoughtTrafficked) },
      ],
    },
  ];
  return {
    kind: 'list',
    title: `Figures for ${figures.label}${figures.partial ? ' so far' : ''}`,
    items,
    empty: '',
  };
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `−${Math.abs(value)}` : 'no change';
}

/**
 * What `figures` and `figures <month>` answer in chat (the lead wires it into chat.service.ts).
 * Refusals are thrown as RefusedError, which the chat already turns into its plain answer.
 */
export async function figuresReply(
  deps: { figures: FiguresService; clock: Clock },
  actor: Actor,
  monthText = '',
): Promise<Reply> {
  authorise(actor, 'ask-met-list');
  const month = monthText.trim() ? parseMonth(monthText, deps.clock.now()) : currentMonth(deps.clock.now());
  if (!month) {
    return text(
      'Which month? Type *figures* for this month, or a month such as *figures October*, *figures 2026-10* or *figures last month*.',
    );
  }
  if (month > currentMonth(deps.clock.now())) {
    return text(`${monthLabel(month)} hasn't started yet. Type *figures* for this month.`);
  }
  return figuresAsReply(await deps.figures.monthly(actor, month));
}
