import type { Actor } from '../access/actor';
import { fill, type Messages } from '../conversation/prompts';
import { type Reply, text } from '../conversation/reply';
import { aRole, type Role } from '../domain/policy';
import type { GrantResult, RevokeResult, Who } from '../people/admin-types';
import type { ChatAdmin, ChatInterviews } from './ports';

/**
 * Whom a chat message names: a Slack mention (`<@U123>`, `<@U123|name>`), a Teams mention as the
 * Teams adapter writes it (`<@aad-object-id|Name>`), a platform or terminal id (`@U123`), or an
 * email address. Always in the asker's own platform and workspace: the same id elsewhere is
 * someone else.
 */
export async function personNamed(
  interviews: Pick<ChatInterviews, 'userByMention'>,
  actor: Pick<Actor, 'platform' | 'workspace'>,
  said: string,
): Promise<Who | null> {
  const where = { platform: actor.platform, workspace: actor.workspace };
  const mention = /^<@([A-Za-z0-9._:-]+)(?:\|([^>]*))?>$/.exec(said) ?? /^@([A-Za-z0-9._:-]+)$/.exec(said);
  if (mention) {
    const user = await interviews.userByMention(actor, `@${mention[1]}`);
    if (user) return { userId: user.id, label: user.name };
    // Replies are escaped (a Slack mention would show as text): the name in the mention, else the id.
    const label = mention[2]?.trim() || `@${mention[1]}`;
    const typed = `@${mention[1]}`;
    return { ...where, platformUserId: mention[1]!, label, mention: typed };
  }
  const email = /^(?:mailto:)?([^\s@<>|]+@[^\s@<>|]+\.[^\s@<>|]+)$/i.exec(said.replace(/^<|>$/g, ''));
  if (email) {
    const address = email[1]!.split('|')[0]!.toLowerCase();
    return { ...where, email: address, label: address, mention: address };
  }
  return null;
}

const list = (roles: readonly Role[]) =>
  roles.length > 1
    ? `${roles
        .slice(0, -1)
        .map((r) => aRole[r])
        .join(', ')} and ${aRole[roles.at(-1)!]}`
    : aRole[roles[0]!];

/** The answer to `admin grant`. */
export function grantedText(done: GrantResult, messages: Messages): string {
  const { people } = messages;
  const vars = { name: done.name, who: done.name, role: aRole[done.role] };
  if (done.already) return fill(people.alreadyHolds, { name: done.name, roles: list(done.held) });
  if (done.pending)
    return fill(done.proposed ? people.pendingProposed : people.pendingGranted, {
      ...vars,
      mention: done.mention ?? done.name,
    });
  if (done.proposed) return fill(messages.roleProposed, vars);
  const others = done.held.filter((role) => role !== done.role);
  return others.length
    ? fill(people.grantedAlso, { ...vars, others: list(others) })
    : fill(messages.granted, vars);
}

/** `admin grant @person role [agency]`, `admin confirm @person`, `admin revoke @person role`. */
export async function peopleCommand(
  deps: { admin: ChatAdmin; interviews: Pick<ChatInterviews, 'userByMention'>; messages: Messages },
  actor: Actor,
  verb: 'grant' | 'confirm' | 'revoke',
  raw: string[],
): Promise<Reply[]> {
  const { admin, messages } = deps;
  const [named = '', role, ...agency] = joinMention(raw);
  const usage = verb === 'revoke' ? messages.people.revokeUsage : messages.adminUsage;
  if (!named || (verb !== 'confirm' && !role)) return [text(usage)];
  const who = await personNamed(deps.interviews, actor, named);
  if (!who) return [text(messages.people.unknownPerson, 'warning')];
  if (verb === 'grant') {
    const done = await admin.grant(actor, who, role!.toLowerCase(), agency.join(' ') || undefined);
    return [text(grantedText(done, messages), done.already ? 'info' : 'success')];
  }
  if (verb === 'confirm') {
    const done = await admin.confirmRole(actor, who.userId ?? '', who);
    const said = done.pending ? messages.people.pendingConfirmed : messages.roleConfirmed;
    return [
      text(
        fill(said, { name: done.name, who: done.name, role: aRole[done.role], admin: done.proposedBy }),
        'success',
      ),
    ];
  }
  const done = await admin.revoke(actor, who, role!.toLowerCase());
  return [text(revokedText(done, messages), done.outcome === 'removed' ? 'success' : 'warning')];
}

/** The answer to `revoke`, in chat and at the server's command line. */
export function revokedText(done: RevokeResult, messages: Messages): string {
  const { people } = messages;
  const vars = {
    name: done.name,
    role: aRole[done.role].replace(/^an? /, ''),
    roles: done.held.length ? list(done.held) : 'none',
  };
  switch (done.outcome) {
    case 'removed':
      return fill(done.held.length ? people.revoked : people.pendingRevoked, vars);
    case 'not-held':
      return fill(people.notHeld, vars);
    case 'only-role':
      return fill(people.onlyRole, vars);
    case 'last-admin':
      return people.lastAdmin;
  }
}

/** A mention whose name has spaces (`<@id|Nia Example>`) was split into words: one word again. */
function joinMention(words: string[]): string[] {
  if (!words[0]?.startsWith('<@') || words[0].endsWith('>')) return words;
  const end = words.findIndex((word) => word.endsWith('>'));
  return end < 0 ? words : [words.slice(0, end + 1).join(' '), ...words.slice(end + 1)];
}
