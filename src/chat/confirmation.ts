import { fill, type Messages } from '../conversation/prompts';
import { type Reply, text } from '../conversation/reply';
import { destinations, isGatewayDestination } from '../outbox/transport';
import type { NextStep } from '../submissions/next-steps';
import type { Submission } from '../submissions/submission';

/** Where the record was queued, in words: "sent" is said only when a real destination has it queued. */
function sentTo(submission: Pick<Submission, 'sentTo'>, messages: Messages): string {
  const places: string[] = [];
  if (submission.sentTo.some(isGatewayDestination)) places.push(messages.sentTo.police);
  if (submission.sentTo.includes(destinations.metCoordinator)) places.push(messages.sentTo.coordinator);
  if (submission.sentTo.includes(destinations.caseFile)) places.push(messages.sentTo.caseFile);
  return places.length ? places.join(' ') : messages.sentTo.keptOnly;
}

/** The same words for records made outside a form (a MET list change in chat). */
export function whereItWent(destinationsQueued: readonly string[], messages: Messages): string {
  return sentTo({ sentTo: destinationsQueued }, messages);
}

/** What a saved form says on every surface: its `done` words with the reference, and a risk check's result. */
export function confirmation(done: string, submission: Submission, messages: Messages): Reply[] {
  const replies: Reply[] = [text(fill(done, submission.vars), 'success'), text(sentTo(submission, messages))];
  // Told only what is true when it is said: delivery comes later, through the outbox.
  if (submission.alerted === 'queued') replies.push(text(messages.alertQueued));
  if (submission.alerted === 'kept-open') replies.push(text(messages.alertKeptOpen));
  if (submission.history && submission.history.times > 1) {
    const { times, days, earlier } = submission.history;
    replies.push(
      text(
        fill(messages.missingHistory, {
          times,
          days,
          earlier: earlier.length ? earlier.join(', ') : messages.missingHistoryNoneOnRecord,
        }),
      ),
    );
  }
  replies.push(...nextStepReplies(submission, messages));
  if (submission.proposedToMetGroup) replies.push(text(messages.metGroup.proposed));
  const risk = submission.risk;
  if (!risk) return replies;
  const words = messages.riskCheck;
  // The practitioner's own level heads the result; the next steps already follow it.
  const chose = risk.chosenReason !== undefined || risk.level !== risk.suggestedLevel;
  const level = risk.level.toUpperCase();
  const title = chose
    ? fill(words.resultChosen ?? '{title}: *{level}* (the check suggested {suggested}).', {
        title: words.chosen ?? 'Your level',
        level,
        suggested: risk.suggestedLevel.toUpperCase(),
      })
    : fill(words.result ?? '{title}: *{level}*.', { title: words.suggested ?? 'Suggested level', level });
  const bullets = (values: string[]) => values.map((value) => ({ label: '•', value }));
  replies.push(
    {
      kind: 'list',
      title,
      items: [
        ...(chose && risk.chosenReason
          ? [{ title: words.ownReasonLabel ?? 'Your reason', fields: bullets([risk.chosenReason]) }]
          : []),
        { title: words.reasons ?? 'Why', fields: bullets(risk.reasons) },
        ...(risk.unknown?.length
          ? [{ title: words.unknown ?? 'Not known', fields: bullets(risk.unknown) }]
          : []),
        { title: words.nextSteps ?? 'What to do next', fields: bullets(risk.nextSteps) },
      ],
      empty: '',
    },
    text(risk.disclaimer),
  );
  return replies;
}

/** The next steps a saved report leads to, offered in words every surface shows. */
function nextStepReplies(submission: Submission, messages: Messages): Reply[] {
  const words: Record<NextStep, { line: string; tone?: 'warning' }> = {
    'duty-told': { line: messages.nextSteps.dutyTold },
    'duty-not-reachable': { line: messages.nextSteps.dutyNotReachable, tone: 'warning' },
    'cse-check': { line: messages.nextSteps.cseCheck },
    'cce-check': { line: messages.nextSteps.cceCheck },
    'as-intelligence': { line: messages.nextSteps.asIntelligence },
  };
  return (submission.nextSteps ?? []).map((step) => text(words[step].line, words[step].tone));
}
