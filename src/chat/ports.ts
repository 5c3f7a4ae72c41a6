import type { z } from 'zod';
import type { Actor } from '../access/actor';
import type { OpenAlert } from '../alerts/alert-types';
import type { DuplicatesChatService } from '../children/duplicates-chat';
import type { SameChildQuestion } from '../children/same-child-question';
import type { ListItem } from '../conversation/reply';
import type { Role } from '../domain/policy';
import type { InterviewAnswersT, MissingAnswersT, ReturnAnswersT } from '../domain/records';
import type { RiskCheckId, RiskLevel } from '../domain/risk';
import type { RiskCheckAnswers } from '../domain/risk-answers';
import type { figuresReply } from '../figures/figures-reply';
import type {
  ChildNoted,
  DisruptionInput,
  NrmDecisionInput,
  NrmFactInput,
  NrmReferralInput,
  TrainingInput,
} from '../figures/section-k-inputs';
import type { LinksChatService } from '../links/links-chat';
import type {
  ChildByEntry,
  ChildByReference,
  MetListChange,
  MetListHistoryItem,
  NominateInput,
} from '../met-list/met-list-change';
import type { Assignee } from '../missing/interview-claims';
import type { GrantResult, Place, RevokeResult, Who } from '../people/admin-types';
import type { SignInLinks } from '../people/dashboard-link-reply';
import type { Submission } from '../submissions/submission';

/**
 * The chat's ports: what the command table needs of each capability module. The core passes its
 * services in (src/core.ts); the chat imports none of them. The figures, the links and the possible
 * duplicates are reached through their own modules' chat replies (src/figures/figures-reply.ts,
 * src/links/links-chat.ts, src/children/duplicates-chat.ts), so the chat needs of them only what
 * those replies take.
 */

export type ChatFigures = Parameters<typeof figuresReply>[0]['figures'];
export type ChatLinks = LinksChatService;
export type ChatDashboardLinks = SignInLinks;
/** The possible duplicates: what the children's own chat takes, and the reporter's question. */
export interface ChatDuplicates extends DuplicatesChatService {
  questionFor(actor: Actor, recordId: string, isPrivate: boolean): Promise<SameChildQuestion | null>;
  isQueued(recordId: string): Promise<boolean>;
}

export interface ChatAlerts {
  setupDuty(actor: Actor, place: Place, purpose?: 'duty' | 'met-coordinator'): Promise<number>;
  openAlerts(actor: Actor): Promise<OpenAlert[]>;
  acknowledgeByCode(actor: Actor, code: string): Promise<number>;
}

export interface ChatSectionK {
  recordNrmReferral(actor: Actor, input: z.input<typeof NrmReferralInput>): Promise<ChildNoted>;
  recordNrmDecision(actor: Actor, input: z.input<typeof NrmDecisionInput>): Promise<ChildNoted>;
  recordNrmFact(actor: Actor, input: z.input<typeof NrmFactInput>): Promise<ChildNoted>;
  recordDisruption(actor: Actor, input: z.input<typeof DisruptionInput>): Promise<ChildNoted>;
  recordTraining(actor: Actor, input: z.input<typeof TrainingInput>): Promise<{ agency: string | null }>;
}

export interface ChatMetList {
  nominate(actor: Actor, input: NominateInput): Promise<MetListChange>;
  accept(
    actor: Actor,
    input: {
      child: ChildByReference | ChildByEntry;
      reviewDate?: Date;
      reason?: string;
      level?: RiskLevel;
    },
  ): Promise<MetListChange>;
  decline(
    actor: Actor,
    input: { child: ChildByReference | ChildByEntry; reason: string },
  ): Promise<MetListChange>;
  setLevel(
    actor: Actor,
    input: { child: ChildByReference; level: RiskLevel; reason: string },
  ): Promise<MetListChange>;
  setReview(
    actor: Actor,
    input: { child: ChildByReference; reviewDate?: Date; reason?: string },
  ): Promise<MetListChange>;
  remove(actor: Actor, input: { child: ChildByReference; reason: string }): Promise<MetListChange>;
  history(actor: Actor, child: ChildByReference): Promise<MetListHistoryItem[]>;
}

export interface ChatInterviews {
  assign(actor: Actor, reference: string, who: Assignee): Promise<{ reference: string; name: string }>;
  assigneeOf(actor: Pick<Actor, 'platform' | 'workspace'>, said: string): Promise<Assignee>;
  userByMention(
    actor: Pick<Actor, 'platform' | 'workspace'>,
    mention: string,
  ): Promise<{ id: string; name: string } | null>;
}

export interface ChatQuestions {
  interviewsToDo(
    actor: Actor,
    audience: { private: boolean },
  ): Promise<{ mine: ListItem[]; due: ListItem[] | null }>;
  mySubmissions(actor: Actor): Promise<ListItem[]>;
}

export interface ChatAdmin {
  grant(actor: Actor, who: Who, role: string, agencyName?: string): Promise<GrantResult>;
  revoke(actor: Actor, who: Who, role: string): Promise<RevokeResult>;
  adminNames(actor: Actor): Promise<string[]>;
  confirmRole(
    actor: Actor,
    userId: string,
    who?: Who,
  ): Promise<{ name: string; role: Role; proposedBy: string; pending?: boolean }>;
  deadLetters(actor: Actor): Promise<ListItem[]>;
  retry(actor: Actor, id: string): Promise<number>;
  auditTrail(actor: Actor, reference: string): Promise<ListItem[]>;
}

export interface ChatSubmissions {
  submitIntelligence(actor: Actor, answers: Record<string, unknown>): Promise<Submission>;
  submitMissing(actor: Actor, answers: MissingAnswersT): Promise<Submission>;
  submitReturn(actor: Actor, answers: ReturnAnswersT): Promise<Submission>;
  submitRiskCheck(actor: Actor, check: RiskCheckId, answers: RiskCheckAnswers): Promise<Submission>;
  submitInterview(actor: Actor, answers: InterviewAnswersT): Promise<Submission>;
  awaitingInterview(actor: Actor): Promise<{ reference: string; initials: string; lastSeenAt: Date }[]>;
  openEpisodes(actor: Actor): Promise<{ reference: string; initials: string; lastSeenAt: Date }[]>;
}
