import type { Role } from '../domain/policy';

/** Who is asking: a known user, on a surface. */
export interface Actor {
  id: string;
  displayName: string;
  role: Role;
  agencyId: string | null;
  agencyName: string | null;
  platform: string;
  surface: string;
}

/** How a platform names a person: platform, workspace or tenant, and the platform's user id. */
export interface Identity {
  platform: string;
  workspace: string;
  platformUserId: string;
  displayName: string;
}
