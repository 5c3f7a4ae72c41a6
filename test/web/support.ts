import type { Actor } from '../../src/access/actor';
import type { Role } from '../../src/domain/policy';
import type { Db } from '../../src/store/database';

/** A user with a role, made straight in the database (what `core.users.ensure` would make). */
export async function makeActor(db: Db, id: string, role: Role, surface = 'dashboard'): Promise<Actor> {
  const agency = await db.agency.upsert({
    where: { name: 'Example Agency' },
    create: { name: 'Example Agency' },
    update: {},
  });
  const user = await db.user.create({
    data: {
      platform: 'console',
      workspace: 'test',
      platformUserId: id,
      displayName: `Tester ${id}`,
      role,
      agencyId: agency.id,
    },
  });
  return {
    id: user.id,
    displayName: user.displayName,
    role,
    roles: [role],
    agencyId: agency.id,
    agencyName: agency.name,
    platform: 'console',
    workspace: 'test',
    surface,
  };
}
