import type { Actor } from '../access/actor';
import type { FormEngine, FormState } from '../conversation/form-engine';
import type { Messages } from '../conversation/prompts';
import type { Reply } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import type { ListQueries } from '../lists/list-queries';
import type { Logger } from '../logger';
import type { Place } from '../people/admin-types';
import type { ConversationRepository, StoredConversation } from '../store/conversations.repository';
import type { FormCatalogue } from '../submissions/form-catalogue';
import type { ListPageState } from './list-pages';
import type {
  ChatAdmin,
  ChatAlerts,
  ChatDashboardLinks,
  ChatDuplicates,
  ChatFigures,
  ChatInterviews,
  ChatLinks,
  ChatMetList,
  ChatQuestions,
  ChatSectionK,
  ChatSubmissions,
} from './ports';

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
  /** Of the replies, the one that introduces the started form (a card that shows the intro drops it). */
  intro?: Reply;
}

/** What the chat and its commands are given: the core's services, the words and the clock. */
export interface ChatDeps {
  engine: FormEngine;
  conversations: ConversationRepository;
  catalogue: FormCatalogue;
  submissions: ChatSubmissions;
  questions: ChatQuestions;
  interviews: ChatInterviews;
  admin: ChatAdmin;
  alerts: ChatAlerts;
  figures: ChatFigures;
  metList: ChatMetList;
  dashboardLinks: ChatDashboardLinks;
  /** The lists, paged: the same queries the dashboard and the API read. */
  lists: ListQueries;
  /** Possible links between reports (src/links/). */
  links: ChatLinks;
  /** NRM, disruption, training and awareness records for the section K figures. */
  sectionK: ChatSectionK;
  /** One child, one record: the possible duplicates queue and the reporter's question. */
  duplicates?: ChatDuplicates;
  publicUrl?: string;
  messages: Messages;
  clock: Clock;
  draftHours: number;
  log: Logger;
}

/** One command as the chat calls it: the message, its words, and what a command may do. */
export interface CommandCall {
  message: ChatMessage;
  /** The words, in lower case, without a leading `/met`: the command's own first. */
  words: string[];
  /** The same words in the case they were typed: mentions, names and reasons keep their case. */
  typed: string[];
  deps: ChatDeps;
  /** Starts a form in this conversation. */
  startForm(formId: string): Promise<Reply[]>;
  /** Shows a page of a list; when more follow, `more` goes on with it. */
  showList(state: ListPageState): Promise<Reply[]>;
}
