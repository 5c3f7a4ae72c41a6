/**
 * MET Strategy: the return interview is done by "a worker independent of the care arrangements …
 * not the foster carer or residential worker"; DfE 2014: independent unless the child prefers a
 * trusted worker. The bot knows the carer only by the name given on the return, so it compares
 * names: the same words in any order, ignoring case and punctuation ("Example, Mo" is "Mo Example").
 */
export function namesMatch(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const words = (name: string) =>
    name
      .toLowerCase()
      .replace(/[^\p{L}\p{N} ]/gu, ' ')
      .split(/\s+/)
      .filter(Boolean)
      .sort()
      .join(' ');
  const left = words(a);
  return left !== '' && left === words(b);
}

/** Why a person may not do this child's interview, or null when they may. */
export function notIndependent(
  interviewer: { name?: string | null; email?: string | null },
  carerName: string | null | undefined,
): string | null {
  if (!carerName) return null;
  const emailName = interviewer.email?.split('@')[0]?.replace(/[._-]+/g, ' ');
  if (namesMatch(interviewer.name, carerName) || namesMatch(emailName, carerName)) {
    return 'The return interview must be done by someone independent of where the child lives: this is the carer or placement worker named on the return.';
  }
  return null;
}
