import { parseSettings } from '../../src/config';
import type { FeatureFactory } from '../../src/feature';
import { RateLimitSettingsSchema } from '../../src/ops/rate-limit';
import { recordRoutes } from './records.routes';
import { schemaRoutes } from './schema.routes';

/**
 * The API for partner systems and scripts: always on. POST /api/v1/intelligence, /missing and
 * /returns take a record's answers as JSON; GET /api/v1/records/<reference> returns a record and
 * its delivery state; GET /schema/<type>.json the published schemas. Tokens: `npm run admin -- token …`.
 */
export const createApiFeature: FeatureFactory = ({ core, env }) => {
  const limits = parseSettings(RateLimitSettingsSchema, env);
  return {
    on: true,
    feature: {
      name: 'Partner API',
      mount(app) {
        app.use('/api/v1', recordRoutes({ core, limits }));
        app.use(schemaRoutes());
      },
    },
  };
};
