import { type Request, type Response, Router } from 'express';
import { isRecordType, publishedJsonSchema, recordTypes } from '../../src/domain/record-schemas';

/** GET /schema/<type>.json: each record type's published JSON Schema, as committed under docs/schema/. */
export function schemaRoutes(): Router {
  const router = Router();
  const schemas = new Map(
    recordTypes.map((type) => [type, JSON.stringify(publishedJsonSchema(type), null, 2)]),
  );
  router.get('/schema/:file', (req: Request, res: Response) => {
    const type = /^([a-z-]+)\.json$/.exec(String(req.params.file))?.[1] ?? '';
    const schema = isRecordType(type) ? schemas.get(type) : undefined;
    if (!schema) {
      res
        .status(404)
        .json({ error: 'not-found', message: `Schemas: ${recordTypes.map((t) => `${t}.json`).join(', ')}.` });
      return;
    }
    res.type('application/schema+json').set('Cache-Control', 'public, max-age=3600').send(schema);
  });
  return router;
}
