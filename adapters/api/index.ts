import type { FeatureFactory } from '../../src/feature';
import { DeliveryService } from '../../src/outbox/deliveries.service';
import { ApiTokenService } from '../../src/services/api-tokens.service';
import { recordRoutes } from './records.routes';
import { schemaRoutes } from './schema.routes';

/**
 * The API for partner systems and scripts: always on. POST /api/v1/intelligence, /missing and
 * /returns take a record's answers as JSON; GET /api/v1/records/<reference> returns a record and
 * its delivery state; GET /schema/<type>.json the published schemas. Tokens: `npm run admin -- token …`.
 */
export const createApiFeature: FeatureFactory = ({ core, database, cipher }) => {
  const tokens = new ApiTokenService(database.db, database.provider, core.users, core.clock);
  const deliveries = new DeliveryService(database.db, database.provider, cipher, core.clock);
  return {
    on: true,
    feature: {
      name: 'Partner API',
      mount(app) {
        app.use('/api/v1', recordRoutes({ core, tokens, deliveries }));
        app.use(schemaRoutes());
      },
    },
  };
};
