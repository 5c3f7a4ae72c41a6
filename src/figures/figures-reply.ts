import type { Actor } from '../access/actor';
import { authorise } from '../access/refusal';
import type { ListItem, Reply } from '../conversation/reply';
import { text } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import { type FiguresService, type MonthlyFigures, tidy } from './figures.service';
import { currentMonth, parsePeriod, periodBegun, periodLabel } from './periods';
import type { SectionKFigure } from './section-k-figures';

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
    {
      title: 'Section K of the MET Strategy',
      fields: figures.sectionK.map((figure) => ({ label: figure.name, value: sectionKValue(figure) })),
    },
  ];
  return {
    kind: 'list',
    title: `Figures for ${figures.label}${figures.partial ? ' so far' : ''}`,
    items,
    empty: '',
  };
}

/** "1 of 3 (33%)", "12", "12 (Example Police 8, Example School 4)", or "not counted by the bot". */
export function sectionKValue(figure: SectionKFigure): string {
  if (figure.value === null) return 'not counted by the bot';
  let said = figure.proportion
    ? `${figure.value} of ${figure.of ?? 0} (${percent(figure.share ?? null)})`
    : String(figure.value);
  const parts = figure.parts?.filter((part) => !figure.proportion || part.count > 0);
  if (parts?.length && !figure.proportion)
    said += ` (${parts.map((p) => `${p.label.toLowerCase()} ${p.count}`).join(', ')})`;
  if (figure.agencies?.length)
    said += `; by agency: ${figure.agencies.map((a) => `${a.agency} ${a.count}`).join(', ')}`;
  return said;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `−${Math.abs(value)}` : 'no change';
}

/**
 * What `figures` and `figures <month>` answer in chat (the lead wires it into chat.service.ts).
 * Refusals are thrown as RefusedError, which the chat already turns into its plain answer.
 */
export async function figuresReply(
  deps: { figures: Pick<FiguresService, 'monthly'>; clock: Clock },
  actor: Actor,
  monthText = '',
): Promise<Reply> {
  authorise(actor, 'ask-met-list');
  const now = deps.clock.now();
  const month = monthText.trim() ? parsePeriod(monthText, now) : currentMonth(now);
  if (!month) {
    return text(
      'Which month? Type *figures* for this month, or a month such as *figures October*, *figures 2026-10* or *figures last month*. For a quarter or a year: *figures Q3 2026*, *figures last quarter*, *figures 2026*.',
    );
  }
  if (!periodBegun(month, now)) {
    return text(`${periodLabel(month)} hasn't started yet. Type *figures* for this month.`);
  }
  return figuresAsReply(await deps.figures.monthly(actor, month));
}
