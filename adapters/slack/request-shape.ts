import type { ErrorRequestHandler } from 'express';

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown) => typeof value === 'string' && value.length > 0;
const userId = (body: Body) => isObject(body.user) && isText(body.user.id);

/**
 * Why a signed, parsed body is not one of the requests metbot handles, or undefined if it is.
 * Bolt answers unreadable JSON with 400 itself; this catches JSON of the wrong shape, which would
 * otherwise reach Bolt's internals (a 500) or wait out its 3-second timer (a 404).
 */
export function shapeProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'not an object';
  if ('command' in body) {
    const fields = ['command', 'user_id', 'team_id', 'channel_id', 'trigger_id'];
    return fields.every((field) => isText(body[field])) ? undefined : 'a command without its fields';
  }
  switch (body.type) {
    case 'event_callback':
      return isObject(body.event) && isText(body.event.type) && isText(body.event_id)
        ? undefined
        : 'an event without its fields';
    case 'block_actions':
      return userId(body) && Array.isArray(body.actions) ? undefined : 'an action without its fields';
    case 'view_submission':
    case 'view_closed':
      return userId(body) && isObject(body.view) && isText(body.view.id) && isText(body.view.callback_id)
        ? undefined
        : 'a view without its fields';
    case 'message_action':
    case 'shortcut':
      return userId(body) && isText(body.callback_id) && isText(body.trigger_id)
        ? undefined
        : 'a shortcut without its fields';
    default:
      return 'a kind of request metbot does not handle';
  }
}

/** Bolt's hook that sees each verified, parsed request first: refuses the wrong shapes with 400. */
export function refuseWrongShape(req: { body?: unknown }): Record<string, never> {
  const problem = shapeProblem(req.body);
  if (problem) throw Object.assign(new Error(`Slack request refused: ${problem}`), { status: 400 });
  return {};
}

/** Answers a refused request with its status and no body (nothing echoed); the rest go on to the last handler. */
export const slackRequestErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const status = Number((error as { status?: unknown }).status);
  if (res.headersSent || !(status >= 400 && status < 500)) return next(error);
  res.status(status).end();
};
