import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTeamsFeature } from '../../adapters/teams/index';
import { loadConfig } from '../../src/config';
import { createCore } from '../../src/core';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from '../support/databases';
import { testCipher } from '../support/keys';
import {
  activity,
  type Connector,
  channel,
  personalChat,
  post,
  practitioner,
  startConnector,
  startTeamsBot,
  type TeamsBot,
  tenant,
} from './support';

const appId = '11111111-2222-4333-8444-555555555555';

let teams: TeamsBot | undefined;
let connector: Connector | undefined;
afterEach(async () => {
  await teams?.close();
  await connector?.close();
  teams = undefined;
  connector = undefined;
});

describe('who may talk to the Teams bot', () => {
  it('refuses an activity with no token with 401 when an app id is set, and answers nothing', async () => {
    connector = await startConnector();
    teams = await startTeamsBot('sqlite', {
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'not-a-real-secret',
    });
    const message = activity(connector.url, practitioner, personalChat(practitioner), { text: 'help' });
    expect((await post(teams.url, message)).status).toBe(401);
    expect((await post(teams.url, message, { authorization: 'Bearer not-a-token' })).status).toBe(401);
    expect(connector.calls).toEqual([]);
    expect(await teams.database.db.user.count()).toBe(0);
  });

  it('refuses a tenant that is not on the allow-list with 403, and answers one that is', async () => {
    connector = await startConnector();
    teams = await startTeamsBot('sqlite', {
      TEAMS_UNAUTHENTICATED_LOCAL: 'true',
      TEAMS_ALLOWED_TENANTS: `other-tenant, ${tenant.toUpperCase()}`,
    });
    const place = { ...personalChat(practitioner), tenantId: 'tenant-not-allowed' };
    const refused = await post(teams.url, activity(connector.url, practitioner, place, { text: 'help' }));
    expect(refused.status).toBe(403);
    expect(connector.calls).toEqual([]);
    expect(await teams.database.db.user.count()).toBe(0);
    expect(await teams.database.db.chatAddress.count()).toBe(0);

    const invoke = activity(connector.url, practitioner, place, {
      type: 'invoke',
      name: 'composeExtension/fetchTask',
      value: { commandId: 'shareAsIntelligence', messagePayload: { body: { content: 'x' } } },
    });
    expect((await post(teams.url, invoke)).status).toBe(403);

    const allowed = await post(
      teams.url,
      activity(connector.url, practitioner, personalChat(practitioner), { text: 'help' }),
    );
    expect(allowed.status).toBe(200);
    expect(connector.calls).toHaveLength(1);
  });
});

/** A stand-in for Microsoft's OpenID metadata and signing keys, and tokens signed as the channel signs them. */
async function startKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'test-signing-key';
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/openid') res.end(JSON.stringify({ issuer: 'x', jwks_uri: `${base}/keys` }));
    else res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' }] }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = (claims: Record<string, unknown>, key: KeyObject = privateKey) => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64({
      iss: 'https://api.botframework.com',
      aud: appId,
      nbf: now - 60,
      exp: now + 3600,
      ...claims,
    })}`;
    return `Bearer ${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
  };
  return {
    token,
    endpoints: {
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      OAuthUrl: 'https://api.botframework.com',
      ToBotFromChannelOpenIdMetadataUrl: `${base}/openid`,
      ToBotFromEmulatorOpenIdMetadataUrl: `${base}/openid`,
      CallerId: 'urn:botframework:azure',
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('the Bot Framework token check', () => {
  it('takes a token the channel signed, and answers 401, not 500, to a forged or wrong one', async () => {
    const keys = await startKeys();
    try {
      connector = await startConnector();
      teams = await startTeamsBot(
        'sqlite',
        { MicrosoftAppId: appId, MicrosoftAppPassword: 'not-a-real-secret' },
        { endpoints: keys.endpoints },
      );
      // A channel message that does not mention the bot: accepted, and nothing is sent back.
      const message = () => activity(connector!.url, practitioner, channel, { text: 'not for the bot' });
      const claims = { serviceurl: connector.url };
      const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

      expect((await post(teams.url, message(), { authorization: keys.token(claims) })).status).toBe(200);
      expect((await post(teams.url, message(), { authorization: keys.token(claims, forger) })).status).toBe(
        401,
      );
      expect(
        (await post(teams.url, message(), { authorization: keys.token({ ...claims, aud: 'another-bot' }) }))
          .status,
      ).toBe(401);
      expect(
        (
          await post(teams.url, message(), {
            authorization: keys.token({ serviceurl: 'https://elsewhere.example' }),
          })
        ).status,
      ).toBe(401);
      const past = Math.floor(Date.now() / 1000) - 7200;
      expect(
        (
          await post(teams.url, message(), {
            authorization: keys.token({ ...claims, nbf: past - 60, exp: past }),
          })
        ).status,
      ).toBe(401);
      expect(connector.calls).toEqual([]);
    } finally {
      await keys.close();
    }
  });
});

describe('Teams settings', () => {
  async function factory(env: Record<string, string>, nodeEnv = 'test', host = '127.0.0.1') {
    const database = await createTestDatabase('sqlite');
    try {
      const config = loadConfig({ NODE_ENV: nodeEnv, HOST: host, DATABASE_URL: database.url });
      const log = createLogger('silent');
      const core = createCore({ config, database, cipher: testCipher(), log });
      return await createTeamsFeature({ env, config, core, log });
    } finally {
      await database.destroy();
    }
  }

  it('is off, saying which settings turn it on, when neither an app id nor TEAMS_UNAUTHENTICATED_LOCAL is set', async () => {
    const result = await factory({});
    expect(result).toMatchObject({
      on: false,
      name: 'teams',
      why: expect.stringContaining('MicrosoftAppId'),
    });
  });

  it('runs unauthenticated only on a loopback address, with the flag, outside production', async () => {
    const local = { TEAMS_UNAUTHENTICATED_LOCAL: 'true' };
    expect(await factory(local, 'development', '127.0.0.1')).toMatchObject({ on: true });
    expect(await factory(local, 'test', '::1')).toMatchObject({ on: true });
    await expect(factory(local, 'production', '127.0.0.1')).rejects.toThrow(
      /TEAMS_UNAUTHENTICATED_LOCAL=true takes unchecked requests and is refused when NODE_ENV=production/,
    );
    for (const host of ['0.0.0.0', '192.0.2.10', 'localhost']) {
      await expect(factory(local, 'development', host)).rejects.toThrow(
        `HOST must be a loopback address such as 127.0.0.1 (it is "${host}")`,
      );
    }
  });

  it('refuses the old TEAMS_ENABLED, which ran unauthenticated on any address', async () => {
    await expect(factory({ TEAMS_ENABLED: 'true' })).rejects.toThrow(
      /TEAMS_ENABLED is no longer read; set MicrosoftAppId and MicrosoftAppPassword, or for a local trial TEAMS_UNAUTHENTICATED_LOCAL=true/,
    );
  });

  it('needs a tenant allow-list in production', async () => {
    const app = { MicrosoftAppId: appId, MicrosoftAppPassword: 'x' };
    await expect(factory(app, 'production', '0.0.0.0')).rejects.toThrow(
      /TEAMS_ALLOWED_TENANTS must list the tenant ids metbot answers when NODE_ENV=production/,
    );
    expect(await factory({ ...app, TEAMS_ALLOWED_TENANTS: tenant }, 'production', '0.0.0.0')).toMatchObject({
      on: true,
    });
  });

  it('names the missing setting in one line', async () => {
    await expect(factory({ MicrosoftAppId: appId })).rejects.toThrow(/MicrosoftAppPassword must be set/);
    await expect(
      factory({ MicrosoftAppId: appId, MicrosoftAppPassword: 'x', MicrosoftAppType: 'SingleTenant' }),
    ).rejects.toThrow(/MicrosoftAppTenantId must be set/);
    await expect(factory({ MicrosoftAppId: appId, MicrosoftAppType: 'Personal' })).rejects.toThrow(
      /MicrosoftAppType must be one of MultiTenant, SingleTenant, UserAssignedMSI/,
    );
  });

  it('is on with an app id and a password', async () => {
    expect(await factory({ MicrosoftAppId: appId, MicrosoftAppPassword: 'x' })).toMatchObject({ on: true });
  });
});
