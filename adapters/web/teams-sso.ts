import { createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';

/**
 * Teams tab single sign-on: the tab asks Teams for a token (`authentication.getAuthToken()`),
 * an RS256 JWT issued by Microsoft Entra ID for our app, and posts it here. We check its
 * signature against Microsoft's published keys (a JWKS, fetched and cached), then its audience,
 * issuer, tenant and times. Only RS256 is accepted: no "none", no HMAC with a public key.
 * (Microsoft identity platform: "Validate tokens"; Teams: "Enable SSO for tab app".)
 */

export interface KeySource {
  /** The public key with this key id, or null if the source does not have it. */
  key(kid: string): Promise<KeyObject | null>;
}

interface Jwks {
  keys?: (JsonWebKey & { kid?: string; kty?: string; use?: string })[];
}

/**
 * Keys from a JWKS address, cached for an hour. An unknown key id fetches again (Microsoft
 * rolls its keys), at most once every five minutes so a stream of bad tokens cannot hammer it.
 */
export function jwksKeySource(
  url: string,
  options: { fetch?: typeof fetch; now?: () => number; cacheMs?: number } = {},
): KeySource {
  const get = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 60 * 60_000;
  let keys = new Map<string, KeyObject>();
  let fetchedAt = -Infinity;
  let inFlight: Promise<void> | undefined;

  const refresh = async () => {
    const response = await get(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`The signing keys could not be fetched (HTTP ${response.status})`);
    const body = (await response.json()) as Jwks;
    const next = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) {
      if (!jwk.kid || jwk.kty !== 'RSA' || (jwk.use && jwk.use !== 'sig')) continue;
      try {
        next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // A key we cannot read is one we cannot verify with: skip it, keep the rest.
      }
    }
    keys = next;
    fetchedAt = now();
  };

  return {
    async key(kid) {
      const age = now() - fetchedAt;
      if (age > cacheMs || (!keys.has(kid) && age > 5 * 60_000)) {
        inFlight ??= refresh().finally(() => {
          inFlight = undefined;
        });
        await inFlight;
      }
      return keys.get(kid) ?? null;
    },
  };
}

export interface TeamsTokenCheck {
  appId: string;
  /** Lower-case tenant ids allowed; empty allows any tenant (the user must still be known to us). */
  tenants: string[];
  keys: KeySource;
  now?: () => number;
}

export type TeamsIdentity = { tenantId: string; objectId: string; name: string };
export type TeamsTokenResult = { ok: true; identity: TeamsIdentity } | { ok: false; why: string };

const SKEW_SECONDS = 300;

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}

export async function verifyTeamsToken(token: string, check: TeamsTokenCheck): Promise<TeamsTokenResult> {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, why: 'not a JWT' };
  const [head, body, signature] = parts as [string, string, string];
  const header = decodePart(head);
  const claims = decodePart(body);
  if (!header || !claims) return { ok: false, why: 'unreadable token' };
  if (header.alg !== 'RS256') return { ok: false, why: `algorithm ${String(header.alg)} is not accepted` };
  if (typeof header.kid !== 'string') return { ok: false, why: 'no key id' };
  let key: KeyObject | null;
  try {
    key = await check.keys.key(header.kid);
  } catch (error) {
    return { ok: false, why: (error as Error).message };
  }
  if (!key) return { ok: false, why: 'unknown signing key' };
  const signed = verify('sha256', Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'));
  if (!signed) return { ok: false, why: 'bad signature' };

  const now = Math.floor((check.now ?? Date.now)() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp + SKEW_SECONDS < now) return { ok: false, why: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - SKEW_SECONDS > now)
    return { ok: false, why: 'not yet valid' };
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const forUs = audiences.some(
    (aud) => typeof aud === 'string' && (aud === check.appId || aud.endsWith(`/${check.appId}`)),
  );
  if (!forUs) return { ok: false, why: 'meant for another app' };
  const tenantId = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : '';
  if (!tenantId) return { ok: false, why: 'no tenant' };
  const issuers = [
    `https://login.microsoftonline.com/${tenantId}/v2.0`,
    `https://sts.windows.net/${tenantId}/`,
  ];
  if (typeof claims.iss !== 'string' || !issuers.includes(claims.iss.toLowerCase())) {
    return { ok: false, why: 'issuer does not match the tenant' };
  }
  if (check.tenants.length > 0 && !check.tenants.includes(tenantId))
    return { ok: false, why: 'tenant not allowed' };
  if (typeof claims.oid !== 'string' || !claims.oid) return { ok: false, why: 'no user object id' };
  const name = typeof claims.name === 'string' ? claims.name : 'Teams user';
  return { ok: true, identity: { tenantId, objectId: claims.oid, name } };
}
