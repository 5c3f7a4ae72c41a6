import type { MonthlyFigures } from '../../src/figures/figures.service';
import { sectionKValue } from '../../src/figures/figures-reply';

/**
 * The monthly figures as titled tables: one shape for the page, the printable pack and the
 * workbook, so the three always show the same numbers in the same order.
 */
export interface FigureSection {
  id: string;
  title: string;
  /** What the table counts, said once under the title. */
  note?: string;
  columns: string[];
  rows: (string | number)[][];
  /** The chart drawn above the table on the page (the table is its text alternative). */
  chart?: {
    kind: 'bar' | 'horizontal' | 'stacked';
    /** Which columns are the series, by index into `columns` (the first column is the label). */
    series: number[];
    description: string;
    /** Leave the last row (a total) out of the chart. */
    skipLast?: boolean;
  };
}

const pct = (value: number | null) => (value === null ? 'none to count' : `${Math.round(value * 100)}%`);
const cap = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

export function figureSections(f: MonthlyFigures): FigureSection[] {
  const { list, missing, returnInterviews: ri, intelligence, riskChecks, nrm, profiles } = f;
  const ofReturns = (n: number) => (ri.returned ? `${Math.round((n / ri.returned) * 100)}%` : '–');
  return [
    {
      id: 'levels',
      title: 'Children on the MET list by level',
      note: 'Nominated or accepted onto the list, at the start and at the end of the month.',
      columns: ['Level', 'Start of month', 'End of month', 'Change'],
      rows: [
        ...list.levels.map((row) => [cap(row.level), row.start, row.end, signed(row.change)]),
        ['All levels', list.start, list.end, signed(list.end - list.start)],
      ],
      chart: {
        kind: 'bar',
        series: [1, 2],
        description: 'Bar chart of children at each level at the start and end of the month.',
        skipLast: true,
      },
    },
    {
      id: 'movement',
      title: 'Movement on the list',
      columns: ['Measure', 'Children'],
      rows: [
        ['Joined the list', list.joined],
        ['Left the list', list.left],
        ['Level raised', list.raised],
        ['Level lowered', list.lowered],
        ['At high at the start of the month', list.highAtStart],
        ['Moved from high to low', list.highToLow],
        ['Proportion moving from high to low', pct(list.highToLowProportion)],
      ],
    },
    {
      id: 'missing',
      title: `Children by times missing in ${missing.windowDays} days`,
      note: `Counted over the ${missing.windowDays} days to the end of the month. In the month: ${missing.episodes} missing episodes, concerning ${missing.children} children.`,
      columns: ['Times missing', 'Children'],
      rows: missing.byTimes.map((row) => [row.label, row.children]),
      chart: {
        kind: 'bar',
        series: [1],
        description: `Bar chart of children by how many times they went missing in ${missing.windowDays} days.`,
      },
    },
    {
      id: 'interviews',
      title: 'Independent return interviews',
      note: `For the ${ri.returned} returns from missing recorded in the month. Guidance: offered within 72 hours of the return.`,
      columns: ['Measure', 'Returns', 'Share of returns'],
      rows: [
        ['Returned from missing', ri.returned, ri.returned ? '100%' : '–'],
        ['Interview offered', ri.offered, ofReturns(ri.offered)],
        ['Offered within 72 hours', ri.offeredWithin72Hours, ofReturns(ri.offeredWithin72Hours)],
        ['Interview done', ri.completed, ofReturns(ri.completed)],
        ['Done within 72 hours', ri.completedWithin72Hours, ofReturns(ri.completedWithin72Hours)],
        ['Declined by the child', ri.declined, ofReturns(ri.declined)],
        ['Still to do', ri.outstanding, ofReturns(ri.outstanding)],
      ],
      chart: { kind: 'bar', series: [1], description: 'Bar chart of return interviews offered and done.' },
    },
    {
      id: 'intelligence',
      title: 'Intelligence reports (FIB1/CPI) by agency',
      note: `${intelligence.total} written in the period. Those the police gateway took are counted under section K (FIB1 forms passed to the Police Intelligence Team).`,
      columns: ['Agency', 'Reports'],
      rows: intelligence.byAgency.length
        ? intelligence.byAgency.map((row) => [row.agency, row.reports])
        : [['None this month', 0]],
      chart: intelligence.byAgency.length
        ? { kind: 'horizontal', series: [1], description: 'Bar chart of intelligence reports by agency.' }
        : undefined,
    },
    {
      id: 'checks',
      title: 'Risk checks done',
      note: 'At the level that stands: the practitioner’s own level where they chose one.',
      columns: ['Check', 'High', 'Medium', 'Low', 'All'],
      rows: [
        ...riskChecks.byCheck.map((row) => [row.name, row.high, row.medium, row.low, row.total]),
        [
          'All checks',
          sum(riskChecks.byCheck, 'high'),
          sum(riskChecks.byCheck, 'medium'),
          sum(riskChecks.byCheck, 'low'),
          riskChecks.total,
        ],
      ],
      chart: {
        kind: 'stacked',
        series: [1, 2, 3],
        description: 'Stacked bar chart of risk checks by level.',
        skipLast: true,
      },
    },
    {
      id: 'exploitation',
      title: 'Exploitation and trafficking',
      note: 'A trafficking check with any indicator advises considering a National Referral Mechanism referral: those are the referrals considered. Referrals made, and children thought to be trafficked as the strategy counts them, are under section K.',
      columns: ['Measure', 'Number'],
      rows: [
        [
          'Children at risk of exploitation (check at medium or high)',
          riskChecks.childrenAtRiskOfExploitation,
        ],
        ['NRM referrals considered', nrm.referralsConsidered],
        ['Children with a trafficking indicator', nrm.childrenThoughtTrafficked],
      ],
    },
    ...sectionKSections(f),
    ...(
      [
        ['age', 'Age', profiles.age],
        ['gender', 'Gender', profiles.gender],
        ['ethnicity', 'Ethnicity', profiles.ethnicity],
        ['accommodation', 'Accommodation', profiles.accommodation],
      ] as const
    ).map(
      ([id, name, counts]): FigureSection => ({
        id: `profile-${id}`,
        title: `${name} of children on the list`,
        note: id === 'age' ? 'Age in the year, from the year of birth, at the end of the month.' : undefined,
        columns: [name, 'Children'],
        rows: counts.length ? counts.map((c) => [c.label, c.count]) : [['Nobody on the list', 0]],
        chart: counts.length
          ? {
              kind: 'bar',
              series: [1],
              description: `Bar chart of children on the list by ${name.toLowerCase()}.`,
            }
          : undefined,
      }),
    ),
  ];
}

/** Section K as written: the primary indicators, the data requirements, and the * figures by agency. */
function sectionKSections(f: MonthlyFigures): FigureSection[] {
  const rows = (kind: 'indicator' | 'data') =>
    f.sectionK
      .filter((k) => k.kind === kind)
      .map((k) => [k.name, sectionKValue(k), `“${k.definition}”`, k.counted]);
  const columns = ['Figure', 'Number', 'The strategy says', 'How it is counted'];
  const agencies = f.sectionK
    .filter((k) => k.byAgency)
    .flatMap((k) =>
      k.agencies?.length
        ? k.agencies.map((a) => [k.name, a.agency, a.of ? `${a.count} of ${a.of}` : a.count])
        : [[k.name, 'None in the period', 0]],
    );
  return [
    {
      id: 'k-indicators',
      title: 'Section K: primary indicators',
      note: 'The MET Strategy’s primary indicators, each as the strategy words it.',
      columns,
      rows: rows('indicator'),
    },
    {
      id: 'k-data',
      title: 'Section K: data requirements',
      note: 'The MET Strategy’s data requirements, each as the strategy words it.',
      columns,
      rows: rows('data'),
    },
    {
      id: 'k-agencies',
      title: 'Section K: the figures marked * by agency',
      note: '“Data collected for the outputs marked with * will be triangulated to help identify where focussed work may be required with a particular agency.”',
      columns: ['Figure', 'Agency', 'Number'],
      rows: agencies,
    },
  ];
}

function sum<T extends Record<K, number>, K extends string>(rows: T[], key: K): number {
  return rows.reduce((total, row) => total + row[key], 0);
}

export function signed(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `−${Math.abs(value)}` : '0';
}
