import { extractEntities } from '../links/extractors';

/**
 * The next step a saved report should lead to (issue 15): a CSE or CCE check after intelligence
 * or an interview that describes exploitation; "send this as intelligence?" after an interview
 * that discloses places, people or phones; the duty team after an immediate-danger answer.
 */
export type NextStep = 'cse-check' | 'cce-check' | 'as-intelligence' | 'duty-told' | 'duty-not-reachable';

// Signs the seeds list (MET Strategy's CSE toolkit; Home Office county-lines guidance, 2023).
// Offering a check costs the practitioner nothing, so these lean towards asking.
const sexualExploitation =
  /\b(boyfriends?|older (?:man|men|males?|guys?)|sexual(?:ly)?|sex|groom(?:ed|ing)|gifts?|hotels?|parties|party|nudes?|sti|pregnan\w*|pimp\w*)\b/i;
const criminalExploitation =
  /\b(county lines?|drugs?|deal(?:ing|er|ers)?|packages?|parcels?|runner|running|trap (?:house|phone)|cuckoo\w*|weapons?|knives|knife|debt|owes?|line phone|holding|cash|money)\b/i;

function said(values: unknown[]): string {
  return values.filter((v): v is string => typeof v === 'string').join('\n');
}

export function exploitationChecks(text: string): NextStep[] {
  const steps: NextStep[] = [];
  if (sexualExploitation.test(text)) steps.push('cse-check');
  if (criminalExploitation.test(text)) steps.push('cce-check');
  return steps;
}

export function afterIntelligence(answers: Record<string, unknown>): NextStep[] {
  return exploitationChecks(
    said([answers.whatHappened, answers.where, answers.personsOfConcern, answers.associates]),
  );
}

export function afterInterview(answers: Record<string, unknown>): NextStep[] {
  if (answers.outcome !== 'completed') return [];
  const story = said([
    answers.whereTheyWere,
    answers.whoWith,
    answers.pushFactors,
    answers.pullFactors,
    answers.harm,
    answers.childViews,
  ]);
  const steps = exploitationChecks(story);
  const discloses =
    Boolean(answers.whereTheyWere || answers.whoWith) ||
    extractEntities(story).some((e) => ['phone', 'vehicle', 'handle', 'postcode'].includes(e.kind));
  if (discloses) steps.push('as-intelligence');
  return steps;
}
