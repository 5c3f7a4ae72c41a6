import { describe, expect, it } from 'vitest';
import { type Action, actions, decide, maySeeRecord, type Role, roles } from '../../src/domain/policy';

// Every role against every action: Y may, n may not.
const table: Record<Action, Record<Role, 'Y' | 'n'>> = {
  submit: { practitioner: 'Y', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'Y' },
  'record-return': { practitioner: 'Y', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'view-own-submissions': { practitioner: 'Y', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'Y' },
  'view-any-record': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'view-child-details': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'ask-due': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'ask-met-list': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'ask-missing-now': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'ask-repeat-missing': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'manage-met-list': { practitioner: 'n', 'duty-officer': 'n', 'met-member': 'Y', admin: 'n' },
  'acknowledge-alert': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'Y' },
  'ask-alerts': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'assign-interviewer': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'record-interview': { practitioner: 'Y', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'manage-users': { practitioner: 'n', 'duty-officer': 'n', 'met-member': 'n', admin: 'Y' },
  'view-audit': { practitioner: 'n', 'duty-officer': 'n', 'met-member': 'n', admin: 'Y' },
  'manage-deliveries': { practitioner: 'n', 'duty-officer': 'n', 'met-member': 'n', admin: 'Y' },
  'view-links': { practitioner: 'n', 'duty-officer': 'Y', 'met-member': 'Y', admin: 'n' },
  'decide-links': { practitioner: 'n', 'duty-officer': 'n', 'met-member': 'Y', admin: 'n' },
  'export-child': { practitioner: 'n', 'duty-officer': 'n', 'met-member': 'Y', admin: 'n' },
  'record-section-k': { practitioner: 'n', 'duty-officer': 'n', 'met-member': 'Y', admin: 'n' },
  'merge-children': { practitioner: 'n', 'duty-officer': 'n', 'met-member': 'Y', admin: 'n' },
};

describe('policy', () => {
  it('has a row for every action', () => {
    expect(Object.keys(table).sort()).toEqual(Object.keys(actions).sort());
  });

  const cases = (Object.keys(table) as Action[]).flatMap((action) =>
    roles.map((role) => [role, action, table[action][role]] as const),
  );
  it.each(cases)('%s → %s: %s', (role, action, expected) => {
    expect(decide(role, action).allowed).toBe(expected === 'Y');
  });

  it('says plainly which roles may, when it refuses', () => {
    expect(decide('practitioner', 'ask-due')).toEqual({
      allowed: false,
      what: 'the due list',
      roles: 'duty officers and MET group members',
    });
    expect(decide('duty-officer', 'manage-users')).toMatchObject({ roles: 'admins' });
  });

  it.each([
    ['practitioner', 'u1', 'u1', true],
    ['practitioner', 'u1', 'u2', false],
    ['duty-officer', 'u1', 'u2', true],
    ['met-member', 'u1', 'u2', true],
    ['admin', 'u1', 'u2', false],
  ] as const)('a %s (%s) seeing a report by %s: %s', (role, actor, submitter, allowed) => {
    expect(maySeeRecord(role, actor, submitter)).toBe(allowed);
  });
});
