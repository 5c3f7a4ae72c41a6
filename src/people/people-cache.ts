import type { Role } from '../domain/policy';
import type { KnownUserRow } from '../store/known-users';

/** A user as UserService reads it: what an Actor is made of, before the surface is known. */
export interface KnownUser extends Omit<KnownUserRow, 'moreRoles'> {
  /** Every role held (User.role first, then UserRole), once read. */
  roles?: Role[];
}

const TTL_MS = 10_000;
const MAX_PEOPLE = 5000;

/**
 * The people resolved in the last few seconds, by identity key, so that a conversation's every
 * message does not read the same user again (issue 20). Entries live 10 s; a role or name changed
 * on this instance drops them at once, and one changed on another instance (or by the admin
 * command line) counts here within those 10 s. Timed by a monotonic clock: a cache's age, never a date.
 */
export class PeopleCache {
  private readonly entries = new Map<string, { user: KnownUser; until: number }>();

  constructor(
    private readonly ttlMs = TTL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(key: string): KnownUser | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.user;
  }

  set(key: string, user: KnownUser): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_PEOPLE) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { user, until: this.now() + this.ttlMs });
  }

  /** Drops a user (by metbot's id) whose role, agency or name has just changed. */
  forgetUser(userId: string): void {
    for (const [key, entry] of this.entries) if (entry.user.id === userId) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
