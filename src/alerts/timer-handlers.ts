import type { AlertRuleId } from '../domain/alert-rules';
import type { TimerHandler } from '../scheduler/scheduler';
import type { Tx } from '../store/database';
import { type AlertService, ESCALATION_TIMER } from './alerts.service';

/** What each kind of durable timer does when it falls due. */
export function timerHandlers(alerts: AlertService): Record<string, TimerHandler> {
  const interviewAlert =
    (rule: AlertRuleId): TimerHandler =>
    async (tx, timer, now) => {
      const episode = await openInterview(tx, timer.subjectId);
      if (!episode) return;
      // The 72 hours is the deadline to offer the interview (DfE 2014): once offered, the offer's
      // own reminder (interview-reoffer) takes over, and it is not overdue.
      const offered = episode.interviewOfferedAt !== null || episode.interviewOutcome !== null;
      if (rule !== 'interview-reoffer' && offered) return;
      await alerts.raise(
        tx,
        {
          rule,
          recordId: episode.missingRecordId,
          reference: episode.reference,
          initials: alerts.initialsOf(episode.child),
          subjectUserId: episode.interviewerId,
        },
        now,
      );
    };
  return {
    [ESCALATION_TIMER]: async (tx, timer, now) => {
      await alerts.escalate(tx, timer.subjectId, now);
    },
    'interview-due-soon': interviewAlert('interview-due-soon'),
    'interview-overdue': interviewAlert('interview-overdue'),
    'interview-reoffer': interviewAlert('interview-reoffer'),
  };
}

/** The episode if its interview is still outstanding. */
async function openInterview(tx: Tx, episodeId: string) {
  const episode = await tx.missingEpisode.findUnique({ where: { id: episodeId }, include: { child: true } });
  if (!episode || episode.interviewOutcome === 'completed' || episode.interviewCompletedAt) return null;
  const record = await tx.record.findUnique({
    where: { id: episode.missingRecordId },
    select: { reference: true },
  });
  return { ...episode, reference: record?.reference ?? null };
}
