import { createHash, randomBytes } from 'node:crypto';
import { NotPossibleError } from '../access/refusal';
import { type Clock, HOUR, systemClock } from '../domain/clock';
import { decide, isRole, roleNames } from '../domain/policy';
import { appendAudit } from '../store/audit';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { withDisplayName } from '../store/staff-names';
import { LINK_MINUTES, SESSION_MAX_HOURS } from './dashboard-link-times';
import { rolesOf } from './users.service';

/**
 * Single-use sign-in links for the MET dashboard, and the sessions they open.
 *
 * Neither a link nor a session is kept in clear: each is a random token the user holds, and the
 * database keeps only its SHA-256, as the key of an `InboundEvent` row (the table of "handled
 * once" keys). The row's `receivedAt` is when the link was made, or when the session was last
 * used (the idle timeout). Redeeming a link deletes its row, so it works once even when two
 * instances race; a swept row only ends a link or session early, never extends one. The Slack
 * adapter forgets keys older than a day, longer than any link or session lives.
 *
 * A session's key also names its user (`dashboard-session:<user id>:<hash>`), so that signing in
 * again, by link or Teams single sign-on, ends every other session that person had.
 */

const MINUTE = 60_000;
/** Writing "last used" once a minute is enough for an idle timeout counted in minutes. */
const TOUCH_EVERY_MS = MINUTE;

const LINK_PREFIX = 'dashboard-link:';
const SESSION_PREFIX = 'dashboard-session:';

/** Where the session was opened: a browser (link) or the Teams tab (link pasted there, or SSO). */
export type SessionKind = 'browser' | 'tab';

export type LinkCheck = 'valid' | 'expired' | 'used';
export type SessionCheck =
  | { ok: true; userId: string; kind: SessionKind }
  | { ok: false; reason: 'ended' | 'idle' | 'expired' };

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const random = () => randomBytes(32).toString('base64url');
const sessionKey = (userId: string, token: string) => `${SESSION_PREFIX}${userId}:${sha256(token)}`;
const uuidLike = /^[0-9a-f-]{36}$/;

function parseLink(token: string): { userId: string } | null {
  const [userId, secret, extra] = token.split('.');
  if (extra !== undefined || !userId || !uuidLike.test(userId) || !secret || secret.length < 40) return null;
  return { userId };
}

function parseSession(token: string): { userId: string; kind: SessionKind; issuedAt: number } | null {
  const [userId, kind, issued, secret, extra] = token.split('.');
  if (extra !== undefined || !userId || !uuidLike.test(userId) || !secret || secret.length < 40) return null;
  if (kind !== 'browser' && kind !== 'tab') return null;
  const issuedAt = Number(issued);
  if (!Number.isSafeInteger(issuedAt)) return null;
  return { userId, kind, issuedAt };
}

/** The dashboard is for the roles that may see the due list or the MET list. */
export function mayUseDashboard(held: string | readonly string[]): boolean {
  const known = (typeof held === 'string' ? [held] : held).filter(isRole);
  return decide(known, 'ask-met-list').allowed || decide(known, 'ask-due').allowed;
}

export class DashboardLinks {
  private readonly idleMs: number;

  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    /** Opens the name of the person a link is made for (User.displayName is sealed). */
    private readonly cipher: FieldCipher,
    private readonly clock: Clock = systemClock,
    options: { idleMinutes?: number } = {},
  ) {
    this.idleMs = (options.idleMinutes ?? 30) * MINUTE;
  }

  /** A new link for this user: the token goes in the URL, its hash in the database. */
  async issueLink(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = `${userId}.${random()}`;
    const now = this.clock.now();
    await this.db.inboundEvent.create({ data: { key: LINK_PREFIX + sha256(token), receivedAt: now } });
    return { token, expiresAt: new Date(now.getTime() + LINK_MINUTES * MINUTE) };
  }

  /** What the sign-in page says before anyone presses the button (link previews must not use it up). */
  async checkLink(token: string): Promise<LinkCheck> {
    if (!parseLink(token)) return 'used';
    const row = await this.db.inboundEvent.findUnique({ where: { key: LINK_PREFIX + sha256(token) } });
    if (!row) return 'used';
    return this.linkExpired(row.receivedAt) ? 'expired' : 'valid';
  }

  /** Uses the link up and opens a session; refuses a link that has expired or was used. */
  async redeemLink(
    token: string,
    kind: SessionKind,
  ): Promise<{ ok: true; session: string; userId: string } | { ok: false; reason: 'expired' | 'used' }> {
    const parsed = parseLink(token);
    if (!parsed) return { ok: false, reason: 'used' };
    const key = LINK_PREFIX + sha256(token);
    const cutoff = new Date(this.clock.now().getTime() - LINK_MINUTES * MINUTE);
    const { count } = await this.db.inboundEvent.deleteMany({ where: { key, receivedAt: { gt: cutoff } } });
    if (count !== 1) {
      const { count: stale } = await this.db.inboundEvent.deleteMany({ where: { key } });
      return { ok: false, reason: stale ? 'expired' : 'used' };
    }
    const session = await this.openSession(parsed.userId, kind, 'sign-in link');
    return { ok: true, session, userId: parsed.userId };
  }

  /**
   * Opens a session for a user already proven (a redeemed link, a checked Teams token), and ends
   * every other session they had: a new sign-in leaves only the new session alive.
   */
  async openSession(userId: string, kind: SessionKind, how: string): Promise<string> {
    const now = this.clock.now();
    const token = `${userId}.${kind}.${now.getTime()}.${random()}`;
    await this.db.$transaction(async (tx) => {
      await tx.inboundEvent.deleteMany({ where: { key: { startsWith: `${SESSION_PREFIX}${userId}:` } } });
      await tx.inboundEvent.create({ data: { key: sessionKey(userId, token), receivedAt: now } });
      await appendAudit(tx, this.provider, {
        actorId: userId,
        actor: userId,
        surface: kind === 'tab' ? 'teams-tab' : 'dashboard',
        action: 'create',
        recordType: 'dashboard-session',
        recordId: userId,
        detail: `signed in with ${how}`,
        at: now,
      });
    });
    return token;
  }

  /** Checks a session and notes that it was used; ends it when idle too long or too old. */
  async touchSession(token: string): Promise<SessionCheck> {
    const parsed = parseSession(token);
    if (!parsed) return { ok: false, reason: 'ended' };
    const key = sessionKey(parsed.userId, token);
    const row = await this.db.inboundEvent.findUnique({ where: { key } });
    if (!row) return { ok: false, reason: 'ended' };
    const now = this.clock.now().getTime();
    if (now - parsed.issuedAt > SESSION_MAX_HOURS * HOUR) {
      await this.db.inboundEvent.deleteMany({ where: { key } });
      return { ok: false, reason: 'expired' };
    }
    const idle = now - row.receivedAt.getTime();
    if (idle > this.idleMs) {
      await this.db.inboundEvent.deleteMany({ where: { key } });
      return { ok: false, reason: 'idle' };
    }
    if (idle > TOUCH_EVERY_MS) {
      await this.db.inboundEvent.updateMany({ where: { key }, data: { receivedAt: new Date(now) } });
    }
    return { ok: true, userId: parsed.userId, kind: parsed.kind };
  }

  async endSession(token: string): Promise<void> {
    const parsed = parseSession(token);
    if (!parsed) return;
    await this.db.inboundEvent.deleteMany({ where: { key: sessionKey(parsed.userId, token) } });
  }

  /** Deletes links past their 10 minutes and sessions past their idle timeout. Returns how many. */
  async sweep(): Promise<number> {
    const now = this.clock.now().getTime();
    const links = await this.db.inboundEvent.deleteMany({
      where: { key: { startsWith: LINK_PREFIX }, receivedAt: { lt: new Date(now - LINK_MINUTES * MINUTE) } },
    });
    const sessions = await this.db.inboundEvent.deleteMany({
      where: { key: { startsWith: SESSION_PREFIX }, receivedAt: { lt: new Date(now - this.idleMs) } },
    });
    return links.count + sessions.count;
  }

  /**
   * `npm run admin -- link --user <id>`: a link for an operator to hand over. The user is found by
   * their metbot id or their platform user id; only roles the dashboard is for get one.
   */
  async linkForUser(
    user: string,
    baseUrl: string,
  ): Promise<{ url: string; expiresAt: Date; displayName: string }> {
    const matches = await this.db.user.findMany({
      where: { OR: [{ id: user }, { platformUserId: user }] },
      take: 2,
    });
    if (matches.length === 0) throw new NotPossibleError(`No user has the id ${user}.`);
    if (matches.length > 1) {
      throw new NotPossibleError(`More than one user has the id ${user}: give their metbot id instead.`);
    }
    const found = withDisplayName(this.cipher, matches[0]!);
    if (!mayUseDashboard(await rolesOf(this.db, found.id, found.role))) {
      const role = isRole(found.role) ? roleNames[found.role].replace(/s$/, '') : found.role;
      const article = /^[aeiou]/i.test(role) ? 'an' : 'a';
      throw new NotPossibleError(
        `${found.displayName} is ${article} ${role}: the dashboard is for MET group members and duty officers.`,
      );
    }
    const { token, expiresAt } = await this.issueLink(found.id);
    return { url: signInUrl(baseUrl, token), expiresAt, displayName: found.displayName };
  }

  private linkExpired(createdAt: Date): boolean {
    return this.clock.now().getTime() - createdAt.getTime() >= LINK_MINUTES * MINUTE;
  }
}

/** The sign-in address for a link token. */
export function signInUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/dashboard/sign-in?link=${encodeURIComponent(token)}`;
}
