import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '../../src/access/actor';
import type { ApiTokenService } from '../../src/people/api-tokens.service';

/** The caller, once `requireToken` has let them in. */
export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}

/** The token in `Authorization: Bearer <token>`, or null. */
export function bearerOf(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? null;
}

/** `Authorization: Bearer <token>`; anything else is 401 (RFC 6750), before the body is read. */
export function requireToken(tokens: ApiTokenService) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerOf(req.get('authorization'));
    const actor = token ? await tokens.authenticate(token) : null;
    if (!actor) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metbot"').json({
        error: 'unauthorised',
        message:
          'Send a valid API token as "Authorization: Bearer <token>". Ask an admin if yours was revoked or has expired.',
      });
      return;
    }
    res.locals.actor = actor;
    next();
  };
}
