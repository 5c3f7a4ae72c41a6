/**
 * The MET Strategy's section K ("Performance Management"), as written: each primary indicator
 * and each data requirement is one named figure. `definition` is the strategy's line, word for
 * word; `counted` says how the bot counts it over the chosen period (a month, quarter or year, in
 * UK local time). Figures the strategy marks * are broken down by agency: "Data collected for the
 * outputs marked with * will be triangulated to help identify where focussed work may be required
 * with a particular agency."
 */

export type SectionKKind = 'indicator' | 'data';

export interface SectionKFigureDefinition {
  id: SectionKId;
  kind: SectionKKind;
  name: string;
  /** Quoted from section K of the seed strategy. */
  definition: string;
  counted: string;
  /** Marked * in the strategy: shown by agency. */
  byAgency: boolean;
  /** A proportion (a part of a whole) rather than a number. */
  proportion: boolean;
}

export const sectionKIds = [
  'high-to-low',
  'trafficked-safeguarded',
  'perpetrators',
  'independent-interview',
  'staff-trained-proportion',
  'training-impact',
  'at-risk-of-cse',
  'risk-assessments',
  'nrm',
  'trafficked',
  'missing-in-90-days',
  'return-interviews',
  'disruption',
  'staff-trained',
  'awareness',
  'fib1',
  'prosecutions',
  'smuggled',
  'convictions',
] as const;
export type SectionKId = (typeof sectionKIds)[number];

/** The fixed window of "Number of children going missing once in 90 days, twice …". */
export const MISSING_BAND_DAYS = 90;

export const sectionK: readonly SectionKFigureDefinition[] = [
  {
    id: 'high-to-low',
    kind: 'indicator',
    name: 'Moved from high to low risk',
    definition:
      "Proportion of children and young people identified as being at risk of CSE who move from 'high' risk to 'low risk'.",
    counted:
      'A cohort over the period: the children at high on the MET list at any time in it (at its start, or raised to high during it); of them, those whose level was later set to low before the period ended. Choose a quarter or a year to follow children who take months to move.',
    byAgency: false,
    proportion: true,
  },
  {
    id: 'trafficked-safeguarded',
    kind: 'indicator',
    name: 'Trafficked children effectively safeguarded',
    definition:
      'Proportion of children and young people thought to have been trafficked who are effectively safeguarded.',
    counted:
      'Of the children thought to have been trafficked in the period (see "Identified as trafficked"), those who did not go missing again after they were first identified, up to the end of the period. Trafficked children often go missing within 48 hours; this is the bot’s measure, not a judgement of each child’s safety.',
    byAgency: false,
    proportion: true,
  },
  {
    id: 'perpetrators',
    kind: 'indicator',
    name: 'Suspected perpetrators disrupted, prosecuted and convicted',
    definition: 'Proportion of suspected perpetrators successfully disrupted, prosecuted and convicted.',
    counted:
      'The suspected perpetrators named on disruption records in the period (each counted once, however often named), and how many of them were disrupted, prosecuted and convicted in it. A record that names no perpetrator counts as one.',
    byAgency: false,
    proportion: true,
  },
  {
    id: 'independent-interview',
    kind: 'indicator',
    name: 'Independent return interview after going missing',
    definition:
      'Proportion of children and young people who have an independent return interview having gone missing.',
    counted:
      'Children, not episodes: of the children who returned from missing in the period, those with a completed return interview by a named interviewer whose independence was checked (the return form refuses the child’s carer or placement worker).',
    byAgency: false,
    proportion: true,
  },
  {
    id: 'staff-trained-proportion',
    kind: 'indicator',
    name: 'Frontline staff effectively trained',
    definition:
      'Proportion of frontline staff that have been effectively trained in identifying the signs of CSE and trafficking.',
    counted:
      'Staff trained in the period, out of the frontline staff each agency said it has when it recorded the training (only training recorded with that number counts towards the proportion).',
    byAgency: true,
    proportion: true,
  },
  {
    id: 'training-impact',
    kind: 'indicator',
    name: 'Impact of training and awareness-raising',
    definition: 'Impact evaluation of training and awareness-raising activity.',
    counted:
      'Not counted by the bot: an evaluation is a judgement for the MET Committee. The bot gives the training and awareness figures it rests on.',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'at-risk-of-cse',
    kind: 'data',
    name: 'At risk or victim of CSE',
    definition: 'Number of children and young people identified as being at risk or the victim of CSE;',
    counted:
      'Children with an exploitation check in the period whose level that stands (the practitioner’s own, if they chose one) is medium or high.',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'risk-assessments',
    kind: 'data',
    name: 'Risk assessments completed',
    definition: 'Number of risk assessments completed*;',
    counted:
      'Risk checks completed in the period (exploitation, missing and trafficking), by the agency of whoever did them.',
    byAgency: true,
    proportion: false,
  },
  {
    id: 'nrm',
    kind: 'data',
    name: 'NRM referrals',
    definition: 'Number of NRM',
    counted:
      'National Referral Mechanism referrals made in the period (recorded with `nrm`), by who referred; with the reasonable-grounds and conclusive-grounds decisions made in the period.',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'trafficked',
    kind: 'data',
    name: 'Identified as trafficked',
    definition: 'Number of children and young people identified as trafficked (or thought to be trafficked);',
    counted:
      'Children whose trafficking check in the period stands at high, or with a positive reasonable-grounds or conclusive-grounds NRM decision in the period. One indicator alone is not counted.',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'missing-in-90-days',
    kind: 'data',
    name: 'Missing once, twice, three times in 90 days',
    definition: 'Number of children going missing once in 90 days, twice in 90 days, three times in 90 days',
    counted:
      'Children by how many times they went missing in the 90 days to the end of the period (fixed at 90, whatever the repeat-missing setting): once, twice, three or more times.',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'return-interviews',
    kind: 'data',
    name: 'Return interviews offered and completed',
    definition: 'Number of independent return interviews offered and completed;',
    counted: 'For the returns from missing in the period: the interviews offered, and those completed.',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'disruption',
    kind: 'data',
    name: 'Disruption techniques used',
    definition: 'Use of disruption techniques e.g. number of Child Abduction Warning Notices issued;',
    counted:
      'Disruption records dated in the period (recorded with `disruption`): Child Abduction Warning Notices, other orders, and other disruption.',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'staff-trained',
    kind: 'data',
    name: 'Frontline staff trained',
    definition: 'Number of frontline staff trained*;',
    counted: 'Staff trained in the period (recorded with `trained`), by agency.',
    byAgency: true,
    proportion: false,
  },
  {
    id: 'awareness',
    kind: 'data',
    name: 'Awareness-raising activities',
    definition: 'Number of awareness-raising activities delivered*;',
    counted: 'Awareness-raising activities held in the period (recorded with `awareness`), by agency.',
    byAgency: true,
    proportion: false,
  },
  {
    id: 'fib1',
    kind: 'data',
    name: 'FIB1 forms passed to the Police Intelligence Team',
    definition: 'Number of FIB1 forms completed and passed to Police Intelligence Team*.',
    counted:
      'Intelligence reports delivered to the police gateway in the period (counted when delivered, not when written), by the sender’s agency.',
    byAgency: true,
    proportion: false,
  },
  {
    id: 'prosecutions',
    kind: 'data',
    name: 'Prosecutions brought',
    definition: 'Number of prosecutions brought;',
    counted: 'Disruption records of a prosecution dated in the period.',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'smuggled',
    kind: 'data',
    name: 'Children smuggled',
    definition: 'Number of children who are smuggled',
    counted:
      'Children referred to the NRM in the period whose NRM record says they were smuggled into the UK (recorded where known: smuggling is not trafficking).',
    byAgency: false,
    proportion: false,
  },
  {
    id: 'convictions',
    kind: 'data',
    name: 'Convictions secured',
    definition: 'Number of convictions secured.',
    counted: 'Disruption records of a conviction dated in the period.',
    byAgency: false,
    proportion: false,
  },
];

export function sectionKDefinition(id: SectionKId): SectionKFigureDefinition {
  return sectionK.find((figure) => figure.id === id)!;
}
