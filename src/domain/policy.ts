/**
 * Who may do what: decided here, asked by every service, never by an adapter.
 * A refusal names the roles that may, so the message can say what to ask for.
 */
export const roles = ['practitioner', 'duty-officer', 'met-member', 'admin'] as const;
export type Role = (typeof roles)[number];

export const roleNames: Record<Role, string> = {
  practitioner: 'practitioners',
  'duty-officer': 'duty officers',
  'met-member': 'MET group members',
  admin: 'admins',
};

/** One person holding the role, with its article: "an admin", "a MET group member". */
export const aRole: Record<Role, string> = {
  practitioner: 'a practitioner',
  'duty-officer': 'a duty officer',
  'met-member': 'a MET group member',
  admin: 'an admin',
};

export const actions = {
  submit: 'sending a report',
  'record-return': 'recording a return',
  'view-own-submissions': 'seeing what you have sent',
  'view-any-record': 'seeing reports sent by others',
  'view-child-details': "seeing a child's details",
  'ask-due': 'the due list',
  'ask-met-list': 'the MET list',
  'ask-missing-now': 'the list of children missing now',
  'ask-repeat-missing': 'the repeat missing list',
  'manage-met-list': 'changing the MET list',
  'acknowledge-alert': 'acknowledging alerts',
  'ask-alerts': 'seeing the open alerts',
  'assign-interviewer': 'assigning a return interviewer',
  'record-interview': 'recording a return interview',
  'manage-users': 'giving people roles',
  'view-audit': 'the audit trail',
  'manage-deliveries': 'retrying failed deliveries',
  'view-links': 'seeing links between reports',
  'decide-links': 'confirming or dismissing links between reports',
  'export-child': 'exporting everything held about a child (subject access)',
  'record-section-k': 'recording NRM referrals, disruption and training for the MET figures',
  'merge-children': 'merging or keeping apart records of a child',
} as const;
export type Action = keyof typeof actions;

const safeguarding: Action[] = [
  'submit',
  'record-return',
  'record-interview',
  'assign-interviewer',
  'acknowledge-alert',
  'ask-alerts',
  'view-own-submissions',
  'view-any-record',
  'view-child-details',
  'ask-due',
  'ask-met-list',
  'ask-missing-now',
  'ask-repeat-missing',
  'view-links',
];

// Admins run the bot; they see deliveries and audits, not children's details. An admin who sees an
// alert's card may acknowledge it (issue 15): the card shows a reference and initials only.
const grants: Record<Role, ReadonlySet<Action>> = {
  practitioner: new Set(['submit', 'record-return', 'record-interview', 'view-own-submissions']),
  'duty-officer': new Set(safeguarding),
  // Subject access: the MET group answers for the whole record; admins never see children's details.
  'met-member': new Set([
    ...safeguarding,
    'manage-met-list',
    'decide-links',
    'export-child',
    'record-section-k',
    'merge-children',
  ]),
  admin: new Set([
    'submit',
    'view-own-submissions',
    'acknowledge-alert',
    'manage-users',
    'view-audit',
    'manage-deliveries',
  ]),
};

export type Decision = { allowed: true } | { allowed: false; what: string; roles: string };

/** A person may hold several roles (an admin who is also a duty officer): any one of them may allow it. */
export type Roles = Role | readonly Role[];
const asList = (held: Roles): readonly Role[] => (typeof held === 'string' ? [held] : held);

export function decide(held: Roles, action: Action): Decision {
  if (asList(held).some((role) => grants[role].has(action))) return { allowed: true };
  const allowed = roles.filter((r) => grants[r].has(action)).map((r) => roleNames[r]);
  const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} and ${allowed.at(-1)}` : allowed[0]!;
  return { allowed: false, what: actions[action], roles: list };
}

/** A practitioner sees what they sent; roles that may see any record see the rest too. */
export function maySeeRecord(held: Roles, actorId: string, submittedById: string): boolean {
  return actorId === submittedById || decide(held, 'view-any-record').allowed;
}

/** The roles that may do an action. */
export function rolesFor(action: Action): Role[] {
  return roles.filter((r) => grants[r].has(action));
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/**
 * The interviewer assigned to a child's return interview sees that episode and records the
 * interview without a wider role (issue 15): the assignment is the need to know.
 */
export function mayRecordInterview(
  held: Roles,
  actorId: string,
  episode: { submittedById: string; interviewerId: string | null },
): boolean {
  return (
    decide(held, 'record-interview').allowed &&
    (episode.interviewerId === actorId || maySeeRecord(held, actorId, episode.submittedById))
  );
}
