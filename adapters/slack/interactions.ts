import type { App, BlockAction, ViewSubmitAction } from '@slack/bolt';
import { ANSWER_ACTION, BACK_ACTION } from './modals';
import type { SlackParts } from './parts';
import type { SlackUser } from './people';

interface Who {
  user: { id: string; name?: string; username?: string; team_id?: string };
  team: { id: string } | null;
}

/** Who pressed or submitted something, from an interaction's (or a shortcut's) body. */
export function userOf(body: Who): SlackUser {
  return {
    teamId: body.user.team_id ?? body.team?.id ?? '',
    userId: body.user.id,
    name: body.user.name ?? body.user.username,
    viaTeamId: body.team?.id,
  };
}

/** A form's modal views: Next and Back on each step, Send on the summary, answers that change the form. */
export function registerModals(app: App, parts: SlackParts): void {
  const { modals } = parts;
  app.view<ViewSubmitAction>(
    { callback_id: /^metbot:step:/, type: 'view_submission' },
    async ({ ack, body, view, client }) => modals.submitStep(client, userOf(body), view, ack),
  );
  app.view<ViewSubmitAction>(
    { callback_id: /^metbot:summary(:\d+)?$/, type: 'view_submission' },
    async ({ ack, body, view, client }) => modals.submitSummary(client, userOf(body), view, ack),
  );
  app.action<BlockAction>({ action_id: ANSWER_ACTION }, async ({ ack, body, client }) => {
    await ack();
    if (body.view?.type !== 'modal') return;
    await modals.answerChanged(client, userOf(body), body.view);
  });
  app.action<BlockAction>({ action_id: BACK_ACTION }, async ({ ack, body, client }) => {
    await ack();
    if (body.view?.type !== 'modal') return;
    await modals.back(client, userOf(body), body.view);
  });
}
