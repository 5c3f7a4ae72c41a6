import type { App, types } from '@slack/bolt';
import type { Actor } from '../../src/access/actor';
import { RefusedError } from '../../src/access/refusal';
import { listPage } from '../../src/chat/list-pages';
import type { ListReply, Reply } from '../../src/conversation/reply';
import { text } from '../../src/conversation/reply';
import type { Core } from '../../src/core';
import { type Block, fitBlocks, header, limits, replyBlocks, section } from './blocks';
import type { SlackParts } from './parts';
import { eventTeamOf } from './people';
import { words } from './words';

/**
 * What App Home shows this user: what they sent and whether it arrived; for those the policy lets
 * ask, who is due a return interview and who is missing now. App Home is seen only by its user,
 * so it is a private place (names shown to entitled users).
 */
const missingNow = { list: 'missing', page: 1 } as const;

export async function homeReplies(core: Core, actor: Actor): Promise<Reply[]> {
  const lists = core.prompts.messages.lists;
  const list = (title: string, empty: string, items: ListReply['items']): ListReply => ({
    kind: 'list',
    title: lists[title] ?? title,
    items,
    empty: lists[empty] ?? '',
  });
  const audience = { private: true };
  const replies: Reply[] = [list('mineTitle', 'mineEmpty', await core.questions.mySubmissions(actor))];
  const optional = [
    async () => list('dueTitle', 'dueEmpty', await core.questions.dueReturnInterviews(actor, audience)),
    async () =>
      // Home shows the first page; `more` is for the chat.
      (
        await listPage({ lists: core.lists, messages: core.prompts.messages }, actor, audience, missingNow)
      ).replies.filter((reply) => reply.kind === 'list'),
  ];
  for (const ask of optional) {
    try {
      replies.push(...[await ask()].flat());
    } catch (error) {
      // The policy decides who sees these lists; a refusal means "not for this user".
      if (!(error instanceof RefusedError)) throw error;
    }
  }
  return replies;
}

export function homeView(replies: Reply[], core: Core): types.HomeView {
  const messages = core.prompts.messages;
  const blocks: Block[] = [header(words.homeTitle), section(words.homeIntro)];
  for (const reply of replies) blocks.push({ type: 'divider' }, ...replyBlocks(reply, messages));
  return { type: 'home', blocks: fitBlocks(blocks, limits.surfaceBlocks) };
}

export function registerHome(app: App, parts: SlackParts): void {
  const { core, people, log } = parts;
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const actor = await people.actor(client, { teamId: eventTeamOf(body), userId: event.user });
    const replies = actor ? await homeReplies(core, actor) : [text(core.prompts.messages.notKnown)];
    try {
      await client.views.publish({ user_id: event.user, view: homeView(replies, core) });
    } catch (error) {
      log.error({ err: error, userId: event.user }, 'Slack: could not publish App Home');
    }
  });
}
