import type { DuplicatesService } from '../children/duplicates.service';
import {
  answerSameChild,
  duplicatesCommand,
  duplicatesWords,
  SAME_CHILD,
  type SameChildState,
  sameChildQuestion,
} from '../children/duplicates-chat';
import type { FormEngine, FormState } from '../conversation/form-engine';
import { fill, type Messages } from '../conversation/prompts';
import { type ListReply, type Reply, text } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import type { InterviewAnswersT, MissingAnswersT, ReturnAnswersT } from '../domain/records';
import type { RiskCheckId } from '../domain/risk';
import type { RiskCheckAnswers } from '../domain/risk-answers';
import { SealedValueError } from '../domain/sealed-value-error';
import type { LinkService } from '../links/links.service';
import { linksCommand } from '../links/links-chat';
import type { Logger } from '../logger';
import type { ConversationRepository, StoredConversation } from '../store/conversations.repository';

export type { ClaimedTurn, StoredConversation } from '../store/conversations.repository';

import type { ListQueries } from '../lists/list-queries';
import type { Actor } from '../services/actor';
import type { AdminService, Place } from '../services/admin.service';
import type { AlertService } from '../services/alerts.service';
import { type DashboardLinks, dashboardLinkReply } from '../services/dashboard-links.service';
import type { FiguresService } from '../services/figures.service';
import { figuresReply } from '../services/figures-reply';
import type { FormCatalogue } from '../services/form-catalogue';
import type { InterviewService } from '../services/interviews.service';
import type { MetListService } from '../services/met-list.service';
import type { QuestionService } from '../services/questions.service';
import { authorise, NotPossibleError, RefusedError, refusalText } from '../services/refusal';
import type { SectionKRecordsService } from '../services/section-k-records.service';
import type { Submission, SubmissionService } from '../services/submissions.service';
import { openAlertItem } from './alerts-reply';
import { confirmation, formCommands, riskCheckCommands } from './form-words';
import { LIST_PAGE, type ListPageState, listPage, listReply } from './list-pages';
import { metListCommand } from './met-list-chat';
import { peopleCommand } from './people-chat';
import { commandForQuestion } from './plain-questions';
import { sectionKCommand, sectionKWords } from './section-k-chat';

/**
 * Commands whose answers name people, give free-text reasons or show audit entries: answered
 * only where nobody else reads them (a DM, a modal, the terminal).
 */
/** A command's words in the case they were typed, without a leading `/met`. */
const wordsAsTyped = (said: string) =>
  said
    .trim()
    .replace(/^\/?met\s+/i, '')
    .split(/\s+/);

const privateOnly = new Set<string>([
  'history',
  'admin',
  'revoke',
  'links',
  ...sectionKWords,
  ...duplicatesWords,
]);

export interface ChatMessage {
  actor: Actor;
  /** Where the conversation happens (a DM, a channel, the terminal): one draft per user per place. */
  channel: string;
  /** Whether only the asker can read the answer. */
  private: boolean;
  text: string;
  /** The channel or chat as the platform addresses it, for "setup duty here". */
  place?: Place;
  /**
   * The draft in this place, when the surface has read it already (with the delivery's claim, in
   * one round trip); null when there is none. Absent: the chat reads it.
   */
  draft?: StoredConversation<FormState> | null;
}

/** What a message did besides its replies: the form it started, if any. */
export interface Turn {
  replies: Reply[];
  started?: string;
}

/**
 * The conversation every surface shares: commands, forms step by step, and the group's
 * questions. Adapters hand it a message and render what it returns.
 */
export class ChatService {
  constructor(
    private readonly deps: {
      engine: FormEngine;
      conversations: ConversationRepository;
      catalogue: FormCatalogue;
      submissions: SubmissionService;
      questions: QuestionService;
      interviews: InterviewService;
      admin: AdminService;
      alerts: AlertService;
      figures: FiguresService;
      metList: MetListService;
      dashboardLinks: DashboardLinks;
      /** The lists, paged: the same queries the dashboard and the API read. */
      lists: ListQueries;
      /** Possible links between reports (src/links/). */
      links: LinkService;
      /** NRM, disruption, training and awareness records for the section K figures. */
      sectionK: SectionKRecordsService;
      /** One child, one record: the possible duplicates queue and the reporter's question. */
      duplicates?: DuplicatesService;
      publicUrl?: string;
      messages: Messages;
      clock: Clock;
      draftHours: number;
      log: Logger;
    },
  ) {}

  async handle(message: ChatMessage): Promise<Reply[]> {
    return (await this.converse(message)).replies;
  }

  /** As handle, and says which form the message started, if any (Teams then offers it as cards). */
  async converse(message: ChatMessage): Promise<Turn> {
    const started: { formId?: string } = {};
    try {
      const replies = await this.route(message, started);
      return { replies, ...(started.formId && { started: started.formId }) };
    } catch (error) {
      if (error instanceof RefusedError) {
        // Names who holds the admin role here, so nobody is sent round in a circle.
        const admins = await this.deps.admin.adminNames(message.actor);
        return { replies: [text(refusalText(error, this.deps.messages, admins), 'warning')] };
      }
      if (error instanceof SealedValueError) {
        this.deps.log.error({ err: error }, 'a sealed value did not open where it was found');
        return { replies: [text(this.deps.messages.sealedMismatch, 'warning')] };
      }
      throw error;
    }
  }

  /** Starts a form, optionally with answers already known (a shared message's text). */
  async startForm(
    message: ChatMessage,
    formId: string,
    prefill: Record<string, unknown> = {},
    started: { formId?: string } = {},
  ): Promise<Reply[]> {
    const { engine, catalogue, conversations, clock, messages } = this.deps;
    const spec = catalogue.spec(formId, message.actor);
    if (
      spec.form.record === 'return' &&
      (await this.deps.submissions.openEpisodes(message.actor)).length === 0
    ) {
      return [text(messages.noOpenEpisodes)];
    }
    if (
      spec.form.record === 'return-interview' &&
      (await this.deps.submissions.awaitingInterview(message.actor)).length === 0
    ) {
      return [text(messages.noInterviewsDue)];
    }
    const { state, replies } = await engine.start(spec, prefill);
    await conversations.save(message.actor.id, message.channel, formId, state, clock.now());
    started.formId = formId;
    return replies;
  }

  private async route(message: ChatMessage, started: { formId?: string }): Promise<Reply[]> {
    const { conversations, clock, messages } = this.deps;
    const draft =
      message.draft !== undefined
        ? message.draft
        : await conversations.find<FormState>(message.actor.id, message.channel, clock.now());
    const notes: Reply[] = [];
    if (draft?.formId === LIST_PAGE) {
      const asked = message.text
        .trim()
        .toLowerCase()
        .replace(/^\/?met\s+/, '');
      const state = draft.state as unknown as ListPageState;
      if (asked === 'more' && !draft.expired)
        return this.showList(message, { ...state, page: state.page + 1 });
      // Anything else ends the list: the words are a command of their own.
      await conversations.remove(message.actor.id, message.channel);
    } else if (draft?.formId === SAME_CHILD) {
      if (!draft.expired) return this.answerSameChild(message, draft.state as unknown as SameChildState);
    } else if (draft?.expired) {
      notes.push(
        text(
          fill(messages.draftExpired, {
            form: this.title(draft.formId, message.actor),
            hours: this.deps.draftHours,
          }),
        ),
      );
    } else if (draft) {
      return this.continueForm(message, draft.formId, draft.state);
    }
    return [...notes, ...(await this.command(message, started))];
  }

  private async command(message: ChatMessage, started: { formId?: string }): Promise<Reply[]> {
    const words = (commandForQuestion(message.text) ?? message.text)
      .trim()
      .toLowerCase()
      .replace(/^\/?met\s+/, '')
      .split(/\s+/)
      .filter(Boolean);
    const [first = 'help', second] = words;
    const audience = { private: message.private };
    const { questions, messages } = this.deps;
    if (first === 'missing' && second === 'now') return this.showList(message, { list: 'missing', page: 1 });
    if (privateOnly.has(first) && !message.private) {
      return [text(fill(messages.privateOnly, { command: first }))];
    }
    const formId = formCommands[first];
    if (formId) return this.startForm(message, formId, {}, started);
    switch (first) {
      case 'help':
      case 'hello':
      case 'hi':
      case 'start':
        return [text(messages.help)];
      case 'check': {
        const check = riskCheckCommands[second ?? ''];
        if (!check)
          return [
            text('Which check? Type *check cse*, *check cce*, *check missing* or *check trafficking*.'),
          ];
        return this.startForm(message, `check-${check}`, {}, started);
      }
      case 'due': {
        // "Mine to do" first: an assigned interviewer sees their own even without the due list.
        const { mine, due } = await questions.interviewsToDo(message.actor, audience);
        if (!due && mine.length === 0) authorise(message.actor, 'ask-due');
        return [
          ...(mine.length || !due ? [this.list('dueMineTitle', 'dueMineEmpty', mine)] : []),
          ...(due ? [this.list('dueTitle', 'dueEmpty', due)] : []),
        ];
      }
      case 'list': {
        const level = (['high', 'medium', 'low'] as const).find((known) => known === second);
        return this.showList(message, { list: 'met', page: 1, ...(level && { level }) });
      }
      case 'repeat':
        return this.showList(message, { list: 'repeat', page: 1 });
      case 'more':
        return [text(messages.lists.noMore!)];
      case 'nominate':
      case 'accept':
      case 'decline':
      case 'level':
      case 'review':
      case 'remove':
      case 'history':
        // Reasons keep the case they were typed in.
        return metListCommand(this.deps, message.actor, wordsAsTyped(message.text));
      case 'figures':
        return [await figuresReply(this.deps, message.actor, words.slice(1).join(' '))];
      case 'dashboard': {
        const deps = { links: this.deps.dashboardLinks, publicUrl: this.deps.publicUrl };
        return [await dashboardLinkReply(deps, message.actor, { private: message.private })];
      }
      case 'admin':
        return this.admin(message, words.slice(1));
      case 'revoke':
        return this.admin(message, words);
      case 'setup':
        return this.setup(message, words.slice(1));
      case 'assign':
        return this.assign(message, words.slice(1), message.text.trim().split(/\s+/).slice(2).join(' '));
      case 'alerts':
        return [
          this.list(
            'alertsTitle',
            'alertsEmpty',
            (await this.deps.alerts.openAlerts(message.actor)).map(openAlertItem),
          ),
        ];
      case 'ack':
      case 'acknowledge':
        return this.acknowledge(message, second);
      case 'links':
        return linksCommand(this.deps.links, message.actor, words.slice(1));
      case 'nrm':
      case 'disruption':
      case 'trained':
      case 'awareness':
        // Perpetrators and NRM references keep the case they were typed in.
        return sectionKCommand(this.deps, message.actor, wordsAsTyped(message.text));
      case 'duplicates':
      case 'merge':
      case 'keep-apart':
      case 'unmerge':
        if (!this.deps.duplicates) return [text(messages.unknown)];
        return duplicatesCommand(this.deps.duplicates, messages, message.actor, words);
      case 'mine':
        return [this.list('mineTitle', 'mineEmpty', await questions.mySubmissions(message.actor))];
      case 'cancel':
        return [text(messages.cancelled)];
      default:
        return [text(messages.unknown)];
    }
  }

  /** A page of a list; when more follow, the list waits for `more` in this conversation. */
  private async showList(message: ChatMessage, state: ListPageState): Promise<Reply[]> {
    const { lists, messages, conversations, clock } = this.deps;
    const { replies, more } = await listPage({ lists, messages }, message.actor, message, state);
    if (more) await conversations.save(message.actor.id, message.channel, LIST_PAGE, state, clock.now());
    else if (state.page > 1) await conversations.remove(message.actor.id, message.channel);
    return replies;
  }

  /** `admin grant <@U1> met-member [agency]`, `admin confirm <@U1>`, `admin deadletters`, `admin retry <id>`, `admin audit <reference>`. */
  private async admin(message: ChatMessage, words: string[]): Promise<Reply[]> {
    const { admin, interviews, messages } = this.deps;
    const [verb, first] = words;
    // The words after the verb as typed: mentions and agency names keep their case.
    const raw = message.text
      .trim()
      .replace(/^\/?met\s+/i, '')
      .split(/\s+/);
    const typed = raw.slice(raw[0]?.toLowerCase() === 'admin' ? 2 : 1);
    try {
      switch (verb) {
        case 'grant':
        case 'confirm':
        case 'revoke':
          return await peopleCommand({ admin, interviews, messages }, message.actor, verb, typed);
        case 'deadletters':
          return [this.list('deadLettersTitle', 'deadLettersEmpty', await admin.deadLetters(message.actor))];
        case 'retry': {
          const count = first ? await admin.retry(message.actor, first) : 0;
          return [text(fill(messages.retried, { count }))];
        }
        case 'audit': {
          if (!first) return [text(messages.adminUsage)];
          const trail = await admin.auditTrail(message.actor, first);
          return [this.list('auditTitle', 'auditEmpty', trail, { reference: first.toUpperCase() })];
        }
        default:
          return [text(messages.adminUsage)];
      }
    } catch (error) {
      if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
      throw error;
    }
  }

  /** `setup duty here`: this channel gets the duty alerts. */
  private async setup(message: ChatMessage, words: string[]): Promise<Reply[]> {
    const { messages } = this.deps;
    if (words[0] !== 'duty' || words[1] !== 'here' || !message.place) return [text(messages.setupUsage)];
    try {
      await this.deps.alerts.setupDuty(message.actor, message.place);
      return [text(messages.dutySet, 'success')];
    } catch (error) {
      if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
      throw error;
    }
  }

  /** `ack INT-2026-000123`: the code `alerts` shows for an open alert. */
  private async acknowledge(message: ChatMessage, code: string | undefined): Promise<Reply[]> {
    const { messages } = this.deps;
    if (!code) return [text(messages.ackUsage)];
    const count = await this.deps.alerts.acknowledgeByCode(message.actor, code);
    if (count === 0) return [text(fill(messages.ackNone, { code: code.toUpperCase() }), 'warning')];
    return [text(fill(messages.acknowledged, { code: code.toUpperCase() }), 'success')];
  }

  /** `assign MIS-2026-000123 <@U123>` or `assign MIS-2026-000123 Testworker Example`. */
  private async assign(message: ChatMessage, words: string[], who: string): Promise<Reply[]> {
    const [reference] = words;
    if (!reference || !who) return [text(this.deps.messages.assignUsage)];
    const { interviews, messages } = this.deps;
    const assignee = await interviews.assigneeOf(message.actor, who);
    try {
      const done = await interviews.assign(message.actor, reference, assignee);
      const pending = 'email' in assignee || 'handle' in assignee;
      return [text(fill(pending ? messages.assignedPending : messages.assigned, done), 'success')];
    } catch (error) {
      if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
      throw error;
    }
  }

  private async continueForm(message: ChatMessage, formId: string, state: FormState): Promise<Reply[]> {
    const { engine, catalogue, conversations, clock, messages, log } = this.deps;
    const spec = catalogue.spec(formId, message.actor);
    const result = await engine.handle(spec, state, message.text);
    if (result.status === 'cancelled') {
      await conversations.remove(message.actor.id, message.channel);
      return result.replies;
    }
    if (result.status === 'continue') {
      await conversations.save(message.actor.id, message.channel, formId, result.state, clock.now());
      return result.replies;
    }
    let submission: Submission;
    try {
      submission = await this.submit(message.actor, formId, result.values);
    } catch (error) {
      if (error instanceof NotPossibleError) {
        return [text(error.message, 'warning'), engine.summary(spec, result.state)];
      }
      if (error instanceof RefusedError) throw error;
      log.error({ err: error, formId }, 'saving a form failed');
      return [text(messages.saveFailed, 'warning')];
    }
    await conversations.remove(message.actor.id, message.channel);
    return [
      ...confirmation(spec.form.done, submission, messages),
      ...(await this.askSameChild(message, submission)),
    ];
  }

  /**
   * When the report may be about a child already known, asks the reporter who may see that child
   * "Is this the same child as …?"; anyone else is told the MET group will check.
   */
  private async askSameChild(message: ChatMessage, submission: Submission): Promise<Reply[]> {
    const { duplicates, conversations, clock, messages } = this.deps;
    if (!duplicates) return [];
    const question = await duplicates.questionFor(message.actor, submission.recordId, message.private);
    if (!question) {
      const queued = await duplicates.isQueued(submission.recordId);
      return queued ? [text(messages.children.queued)] : [];
    }
    const state: SameChildState = { pairId: question.pairId };
    await conversations.save(message.actor.id, message.channel, SAME_CHILD, state, clock.now());
    return [sameChildQuestion(messages, question)];
  }

  private async answerSameChild(message: ChatMessage, state: SameChildState): Promise<Reply[]> {
    const { duplicates, conversations, messages } = this.deps;
    if (!duplicates) return [];
    const first = message.text.trim().toLowerCase().split(/\s+/)[0] ?? '';
    if (formCommands[first] || ['help', 'check', 'due', 'list', 'mine', 'alerts'].includes(first)) {
      // The reporter moved on: the question waits in the queue for the MET group.
      await conversations.remove(message.actor.id, message.channel);
      return [text(messages.children.answeredUnsure), ...(await this.command(message, {}))];
    }
    const { done, replies } = await answerSameChild(duplicates, messages, message.actor, state, message.text);
    if (done) await conversations.remove(message.actor.id, message.channel);
    return replies;
  }

  /** Saves a completed, validated form: the chat, a Slack modal and a Teams card all end here. */
  submit(actor: Actor, formId: string, values: Record<string, unknown>): Promise<Submission> {
    const { submissions } = this.deps;
    if (formId.startsWith('check-')) {
      return submissions.submitRiskCheck(actor, formId.slice(6) as RiskCheckId, values as RiskCheckAnswers);
    }
    if (formId === 'intelligence') return submissions.submitIntelligence(actor, values);
    if (formId === 'missing') return submissions.submitMissing(actor, values as MissingAnswersT);
    if (formId === 'return') return submissions.submitReturn(actor, values as ReturnAnswersT);
    if (formId === 'interview') return submissions.submitInterview(actor, values as InterviewAnswersT);
    throw new Error(`No way to save form ${formId}`);
  }

  private list(
    titleKey: string,
    emptyKey: string,
    items: ListReply['items'],
    vars: Record<string, string | number> = {},
  ): ListReply {
    return listReply(this.deps.messages, titleKey, emptyKey, items, vars);
  }

  private title(formId: string, actor: Actor): string {
    return this.deps.catalogue.spec(formId, actor).form.title;
  }
}
