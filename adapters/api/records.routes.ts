import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { Actor } from '../../src/access/actor';
import { BadRequestError, NotFoundError, problemOf } from '../../src/access/problems';
import type { Core } from '../../src/core';
import { answerSchemas, type MissingAnswersT, type ReturnAnswersT } from '../../src/domain/records';
import { addressOf, type RateLimitSettings, rateLimit } from '../../src/ops/rate-limit';
import type { Submission } from '../../src/submissions/submissions.service';
import { actorOf, bearerOf, requireToken } from './auth';
import { checkRecord } from './validate';

export interface RecordRoutesDeps {
  core: Core;
  limits: RateLimitSettings;
}

interface Endpoint<T> {
  path: string;
  schema: z.ZodType<T>;
  submit(actor: Actor, answers: T): Promise<Submission>;
}

function endpoint<T>(e: Endpoint<T>): Endpoint<unknown> {
  return e as Endpoint<unknown>;
}

/** POST a record, GET one back: /api/v1/… for partner systems, with bearer tokens. */
export function recordRoutes({ core, limits }: RecordRoutesDeps): Router {
  const { apiTokens: tokens, deliveries, probes } = core;
  const router = Router();
  const minute = 60_000;
  // Before the token is looked up: a flood of guesses costs one upsert each, not a token look-up.
  router.use(
    rateLimit(core.rateLimits, [
      {
        limit: { name: 'api-address', limit: limits.API_RATE_PER_ADDRESS_PER_MINUTE, windowMs: minute },
        key: addressOf,
      },
      {
        limit: { name: 'api-token', limit: limits.API_RATE_PER_MINUTE, windowMs: minute },
        key: (req) => bearerOf(req.get('authorization')),
      },
    ]),
  );
  const authenticate = requireToken(tokens);
  // Bodies are parsed here only, after the token is checked: there is no global body parser.
  const json = express.json({ limit: '100kb' });

  const endpoints = [
    endpoint({
      path: '/intelligence',
      schema: answerSchemas.intelligence,
      submit: (actor, answers) => core.submissions.submitIntelligence(actor, answers),
    }),
    endpoint<MissingAnswersT>({
      path: '/missing',
      schema: answerSchemas.missing,
      submit: (actor, answers) => core.submissions.submitMissing(actor, answers),
    }),
    endpoint<ReturnAnswersT>({
      path: '/returns',
      schema: answerSchemas.return,
      submit: (actor, answers) => core.submissions.submitReturn(actor, answers),
    }),
  ];

  for (const { path, schema, submit } of endpoints) {
    router.post(path, authenticate, json, async (req: Request, res: Response) => {
      if (!req.is('application/json')) {
        res.status(415).json({
          error: 'unsupported',
          message: 'Send the record as JSON (Content-Type: application/json).',
        });
        return;
      }
      const checked = checkRecord(schema, req.body);
      if (!checked.ok) {
        res.status(400).json({ error: 'invalid', issues: checked.issues });
        return;
      }
      const saved = await submit(actorOf(res), checked.value);
      res
        .status(201)
        .location(`/api/v1/records/${saved.reference}`)
        .json({ id: saved.recordId, reference: saved.reference });
    });
  }

  router.get('/records/:reference', authenticate, async (req: Request, res: Response) => {
    const actor = actorOf(res);
    const found = await deliveries.recordWithDelivery(actor, String(req.params.reference));
    if (!found) {
      await probes.notFound({ token: actor.displayName, actorId: actor.id, address: addressOf(req) });
      const problem = problemOf(new NotFoundError('reference'), core.prompts.messages)!;
      res.status(problem.status).json({ error: problem.code, message: problem.message });
      return;
    }
    res.json(found);
  });

  // The lists, one page at a time: the same queries chat and the dashboard read, with the same
  // policy (a practitioner's token is refused) and the same audit of each child listed.
  const lists = {
    'met-list': (actor: Actor, page: number) =>
      core.lists.metList(actor, { level: '', agency: '', review: '' }, page),
    'missing-now': (actor: Actor, page: number) => core.lists.missingNow(actor, page),
    'repeat-missing': (actor: Actor, page: number) => core.lists.repeatMissing(actor, page),
    due: (actor: Actor, page: number) => core.lists.due(actor, page),
  } as const;
  router.get('/lists/:list', authenticate, async (req: Request, res: Response) => {
    const read = lists[String(req.params.list) as keyof typeof lists];
    const page = req.query.page === undefined ? 1 : Number(req.query.page);
    if (!read || !Number.isInteger(page) || page < 1 || page > 10_000) {
      const asked = new BadRequestError(
        'Ask for met-list, missing-now, repeat-missing or due, with ?page=1 or more.',
      );
      const problem = problemOf(asked, core.prompts.messages)!;
      res.status(problem.status).json({ error: problem.code, message: problem.message });
      return;
    }
    res.json(await read(actorOf(res), page));
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const { type } = (error ?? {}) as { type?: string };
    if (type === 'entity.too.large') {
      res.status(413).json({ error: 'too-large', message: 'A record may be at most 100 kB of JSON.' });
    } else if (type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ error: 'invalid', issues: [{ path: '', message: 'The body is not valid JSON.' }] });
    } else {
      const problem = problemOf(error, core.prompts.messages);
      // Anything unexpected goes to the server's last handler: {"error":"internal"}, logged with the request id.
      if (problem) res.status(problem.status).json({ error: problem.code, message: problem.message });
      else next(error);
    }
  });
  return router;
}
