/**
 * A person is named by platform, workspace and the platform's user id together: a bare user id
 * is not enough, because another workspace, tenant or Bot Framework channel can use the same
 * one. The key is written `platform:workspace:user`, as in METBOT_ADMINS:
 *
 * - `slack:<team id>:<member id>`, e.g. `slack:T0123ABCD:U0123ABCD`
 * - `teams:<tenant id>:<Entra object id>`
 * - `console:local:<--user id>` (the terminal chat's workspace is always `local`)
 */
export const identityKeyPattern = /^(slack|teams|console):[^:\s]+:\S+$/;

export interface IdentityParts {
  platform: string;
  workspace: string;
  platformUserId: string;
}

export function identityKey({ platform, workspace, platformUserId }: IdentityParts): string {
  return `${platform}:${workspace}:${platformUserId}`;
}

/** The parts of a key that matches identityKeyPattern. */
export function parseIdentityKey(key: string): IdentityParts {
  const [platform = '', workspace = '', ...user] = key.split(':');
  return { platform, workspace, platformUserId: user.join(':') };
}

/** The key of a workspace, for the enrolment lists: `slack:<team id>` or `teams:<tenant id>`. */
export function workspaceKey({ platform, workspace }: Pick<IdentityParts, 'platform' | 'workspace'>): string {
  return `${platform}:${workspace}`;
}
