import { parseSettings } from '../../src/config';
import type { FeatureFactory } from '../../src/feature';
import { RateLimitSettingsSchema } from '../../src/ops/rate-limit';
import { DeliveryService } from '../../src/outbox/deliveries.service';
import { ApiTokenService, ApiTokenSettingsSchema } from '../../src/services/api-tokens.service';
import { ProbeWatch } from '../../src/services/probe-watch';
import { recordRoutes } from './records.routes';
import { schemaRoutes } from './schema.routes';

/**
 * The API for partner systems and scripts: always on. POST /api/v1/intelligence, /missing and
 * /returns take a record's answers as JSON; GET /api/v1/records/<reference> returns a record and
 * its delivery state; GET /schema/<type>.json the published schemas. Tokens: `npm run admin -- token …`.
 */
export const createApiFeature: FeatureFactory = ({ core, database, cipher, env, log }) => {
  const { API_TOKEN_DAYS } = parseSettings(ApiTokenSettingsSchema, env);
  const limits = parseSettings(RateLimitSettingsSchema, env);
  const tokens = new ApiTokenService(database.db, database.provider, core.users, core.clock, API_TOKEN_DAYS);
  const deliveries = new DeliveryService(database.db, database.provider, cipher, core.clock);
  const probes = new ProbeWatch(
    database.db,
    database.provider,
    core.alerts,
    core.clock,
    limits.PROBE_ALERT_AFTER,
    log,
  );
  return {
    on: true,
    feature: {
      name: 'Partner API',
      mount(app) {
        app.use('/api/v1', recordRoutes({ core, tokens, deliveries, limits, probes }));
        app.use(schemaRoutes());
      },
    },
  };
};
