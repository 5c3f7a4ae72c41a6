import type { RequestHandler } from 'express';
import type { Logger } from '../../src/logger';

/** The largest Slack request body read: 256 KB. Slack's payloads, a modal's state included, are a few KB. */
export const SLACK_BODY_LIMIT = 256 * 1024;

/** Slack's own advice: refuse a request stamped more than five minutes from now. */
export const STAMP_WINDOW_SECONDS = 5 * 60;

/**
 * What is refused on POST /slack/events before Bolt reads the body or checks the signature:
 * - a Content-Length over 256 KB (413). Bolt (given the same limit) stops a body sent without
 *   one once it passes 256 KB;
 * - an X-Slack-Request-Timestamp more than five minutes from now, either way (401). Bolt refuses
 *   only old stamps; one in the future would stay replayable for as long as it is ahead.
 * A missing or unreadable stamp is left to Bolt, which refuses it too.
 */
export function guardSlackRequests(log: Logger, now: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.get('content-length'));
    if (length > SLACK_BODY_LIMIT) {
      log.warn({ length }, 'Slack: refused a request body over 256 KB');
      // The connection is closed rather than the body read and thrown away.
      return void res.status(413).set('Connection', 'close').end();
    }
    const stamp = Number(req.get('x-slack-request-timestamp'));
    const seconds = Math.round(stamp - now() / 1000);
    if (Number.isFinite(stamp) && Math.abs(seconds) > STAMP_WINDOW_SECONDS) {
      log.warn({ seconds }, "Slack: refused a request stamped over 5 minutes from this server's clock");
      return void res.status(401).end();
    }
    next();
  };
}
