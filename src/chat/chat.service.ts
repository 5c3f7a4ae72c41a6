import type { Actor } from '../access/actor';
import { NotPossibleError, RefusedError, refusalText } from '../access/refusal';
import type { SameChildState } from '../children/duplicates-chat';
import { answerSameChild, SAME_CHILD, sameChildQuestion } from '../children/duplicates-chat';
import type { FormState } from '../conversation/form-engine';
import { fill } from '../conversation/prompts';
import { type Reply, text } from '../conversation/reply';
import type { InterviewAnswersT, MissingAnswersT, ReturnAnswersT } from '../domain/records';
import type { RiskCheckId } from '../domain/risk';
import type { RiskCheckAnswers } from '../domain/risk-answers';
import { SealedValueError } from '../domain/sealed-value-error';
import type { Submission } from '../submissions/submission';
import type { ChatDeps, ChatMessage, Turn } from './chat-message';
import { findCommand, helpProblems } from './commands';
import { confirmation } from './confirmation';
import { LIST_PAGE, type ListPageState, listPage } from './list-pages';

export type { ClaimedTurn, StoredConversation } from '../store/conversations.repository';
export type { ChatDeps, ChatMessage, Turn } from './chat-message';

/** The form a message started, and the reply that introduced it. */
interface Started {
  formId?: string;
  intro?: Reply;
}

/**
 * The conversation every surface shares: commands, forms step by step, and the group's
 * questions. Adapters hand it a message and render what it returns.
 */
export class ChatService {
  constructor(private readonly deps: ChatDeps) {
    const problems = helpProblems(deps.messages);
    if (problems.length) throw new Error(`prompts/messages.yaml: ${problems.join('; ')}`);
  }

  async handle(message: ChatMessage): Promise<Reply[]> {
    return (await this.converse(message)).replies;
  }

  /** As handle, and says which form the message started, if any (Teams then offers it as cards). */
  async converse(message: ChatMessage): Promise<Turn> {
    const started: Started = {};
    try {
      const replies = await this.route(message, started);
      return {
        replies,
        ...(started.formId && { started: started.formId }),
        ...(started.intro && { intro: started.intro }),
      };
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
    started: Started = {},
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
    // The form's intro comes first: a surface showing the form another way may leave it out.
    started.intro = replies[0];
    return replies;
  }

  private async route(message: ChatMessage, started: Started): Promise<Reply[]> {
    const { conversations, clock, messages } = this.deps;
    const draft =
      message.draft !== undefined
        ? message.draft
        : await conversations.find<FormState>(message.actor.id, message.channel, clock.now());
    const notes: Reply[] = [];
    if (draft?.formId === LIST_PAGE) {
      const state = draft.state as unknown as ListPageState;
      if (findCommand(message.text).name === 'more' && !draft.expired)
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

  /** Words that are not an answer to an open form: a command from the table (src/chat/commands.ts). */
  private async command(message: ChatMessage, started: Started): Promise<Reply[]> {
    const { messages } = this.deps;
    const found = findCommand(message.text, this.deps.catalogue.ids());
    const startForm = (formId: string) => this.startForm(message, formId, {}, started);
    if (!found.command) return found.form ? startForm(found.form) : [text(messages.unknown)];
    if (found.command.privateOnly && !message.private) {
      return [text(fill(messages.privateOnly, { command: found.words[0]! }))];
    }
    return found.command.run({
      message,
      words: found.words,
      typed: found.typed,
      deps: this.deps,
      startForm,
      showList: (state) => this.showList(message, state),
    });
  }

  /** A page of a list; when more follow, the list waits for `more` in this conversation. */
  private async showList(message: ChatMessage, state: ListPageState): Promise<Reply[]> {
    const { lists, messages, conversations, clock } = this.deps;
    const { replies, more } = await listPage({ lists, messages }, message.actor, message, state);
    if (more) await conversations.save(message.actor.id, message.channel, LIST_PAGE, state, clock.now());
    else if (state.page > 1) await conversations.remove(message.actor.id, message.channel);
    return replies;
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
    const asked = findCommand(message.text);
    if (asked.command && asked.name !== 'cancel') {
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

  private title(formId: string, actor: Actor): string {
    return this.deps.catalogue.spec(formId, actor).form.title;
  }
}
