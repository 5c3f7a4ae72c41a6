import { describe, expect, it } from 'vitest';
import { PeopleCache } from '../../src/people/people-cache';

const user = {
  id: 'u1',
  displayName: 'Testworker Example',
  role: 'practitioner',
  agencyId: null,
  platform: 'teams',
  workspace: 'tenant-example-1',
  platformUserId: 'aad-1',
  agency: null,
};

describe('the people kept for a few seconds (issue 20)', () => {
  it('keeps a person for 10 seconds, then reads them again', () => {
    let now = 0;
    const cache = new PeopleCache(10_000, () => now);
    cache.set('teams:tenant-example-1:aad-1', user);
    now = 9_999;
    expect(cache.get('teams:tenant-example-1:aad-1')).toEqual(user);
    now = 10_000;
    expect(cache.get('teams:tenant-example-1:aad-1')).toBeUndefined();
  });

  it('drops a person whose role or name changed, by their id', () => {
    const cache = new PeopleCache(10_000, () => 0);
    cache.set('teams:tenant-example-1:aad-1', user);
    cache.set('teams:tenant-example-1:aad-2', { ...user, id: 'u2' });
    cache.forgetUser('u1');
    expect(cache.get('teams:tenant-example-1:aad-1')).toBeUndefined();
    expect(cache.get('teams:tenant-example-1:aad-2')?.id).toBe('u2');
  });

  it('keeps nobody when its time is 0', () => {
    const cache = new PeopleCache(0, () => 0);
    cache.set('teams:tenant-example-1:aad-1', user);
    expect(cache.get('teams:tenant-example-1:aad-1')).toBeUndefined();
  });
});
