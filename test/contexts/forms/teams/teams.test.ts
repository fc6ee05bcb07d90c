// Teams on real PostgreSQL, as the application role in a tenant's unit of work: made with their
// first owner, members added and changed and removed (audited, with events), and the invariant
// that a live team keeps at least one owner, also when two owners demote or remove each other at
// the same moment.
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckViolationError, UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { ForbiddenError } from '../../../../src/core/errors/forbidden-error.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { eventPayloadSchema } from '../../../../src/contexts/events/event-catalog.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anOrganization, aUser, unique } from '../../../helpers/fixtures.js';

describe('teams', () => {
  const testDb = useTestDatabase({ seed: true });
  let owner: Kysely<DB>;
  let app: Kysely<DB>;

  beforeAll(() => {
    owner = testDb.current.db;
    app = testDb.current.app;
  });

  /** An organization with three users; `as(user)` runs a tenant unit of work acting as one. */
  const anOrg = async () => {
    const system = createRepositories(owner);
    const org = await anOrganization(system, `tm-${unique()}`);
    const [ada, bob, cy] = await Promise.all([0, 1, 2].map(async () => (await aUser(system, org.id)).user.id));
    const as = <T>(actor: string, fn: (uow: UnitOfWork) => Promise<T>, options: { isolationLevel?: 'repeatable read' | 'serializable'; retry?: { attempts: number } } = {}) =>
      unitOfWork(app, { tenant: org.id, context: { actorUserId: actor }, ...options }, fn);
    return { organizationId: org.id, ada: ada!, bob: bob!, cy: cy!, as };
  };
  const owners = async (teamId: string) =>
    (await sql<{ user_id: string }>`SELECT user_id FROM team_members WHERE team_id = ${teamId} AND role = 'owner' ORDER BY user_id`.execute(owner)).rows.map(
      (r) => r.user_id,
    );
  /** A team of `org` owned by ada and bob. */
  const aTeam = async (org: Awaited<ReturnType<typeof anOrg>>) => {
    const { team } = await org.as(org.ada, (uow) => uow.teams.create({ organizationId: org.organizationId, slug: `t-${unique()}`, name: 'Claims review' }));
    await org.as(org.ada, (uow) => uow.teams.addMember(team.id, { userId: org.bob, role: 'owner' }));
    return team;
  };

  it('create: the acting user is the first owner; audited with its event; the slug is unique among live teams', async () => {
    const org = await anOrg();
    const { team, owner: first } = await org.as(org.ada, (uow) =>
      uow.teams.create({ organizationId: org.organizationId, slug: 'claims-review', name: 'Claims review', description: 'Second look at claims' }),
    );
    expect(team).toMatchObject({ slug: 'claims-review', name: 'Claims review', organizationId: org.organizationId });
    expect(first).toMatchObject({ teamId: team.id, userId: org.ada, role: 'owner' });
    const { rows } = await sql<{ action: string }>`SELECT action FROM audit_logs WHERE entity_id = ${team.id} ORDER BY created_at`.execute(owner);
    expect(rows.map((r) => r.action)).toEqual(['team.create']);
    const events = await sql<{ payload: object }>`SELECT payload FROM domain_events WHERE aggregate_id = ${team.id} AND organization_id = ${org.organizationId}`.execute(owner);
    expect(eventPayloadSchema('team.created', 1).parse(events.rows[0]!.payload)).toMatchObject({ slug: 'claims-review', ownerUserId: org.ada });
    const again = await org.as(org.bob, (uow) => uow.teams.create({ organizationId: org.organizationId, slug: 'claims-review', name: 'Again' })).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(UniqueViolationError);
    expect((again as UniqueViolationError).constraint).toBe('teams_organization_id_slug_key');
    // Deleted: gone from lists, and its slug free again.
    await org.as(org.ada, (uow) => uow.teams.delete(team.id));
    expect(await org.as(org.ada, (uow) => uow.teams.findById(team.id))).toBeUndefined();
    const { team: second } = await org.as(org.bob, (uow) => uow.teams.create({ organizationId: org.organizationId, slug: 'claims-review', name: 'Again' }));
    expect((await org.as(org.ada, (uow) => uow.teams.list(org.organizationId))).map((t) => t.id)).toEqual([second.id]);
    // Another tenant sees none of it.
    const other = await anOrg();
    expect(await other.as(other.ada, (uow) => uow.teams.findById(second.id))).toBeUndefined();
  });

  it('bad input and missing actors are typed errors, with nothing written', async () => {
    const org = await anOrg();
    const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM teams WHERE organization_id = ${org.organizationId}`.execute(owner)).rows[0]!.n;
    for (const input of [{ organizationId: org.organizationId, slug: 'Bad Slug', name: 'x' }, { organizationId: org.organizationId, slug: 'ok', name: ' ' }, null]) {
      expect(await org.as(org.ada, (uow) => uow.teams.create(input as never)).catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
    }
    expect(
      await unitOfWork(app, { tenant: org.organizationId }, (uow) => uow.teams.create({ organizationId: org.organizationId, slug: 'x', name: 'x' })).catch((e: unknown) => e),
    ).toBeInstanceOf(ForbiddenError);
    const stranger = await anOrg();
    expect(
      await org.as(stranger.ada, (uow) => uow.teams.create({ organizationId: org.organizationId, slug: 'x', name: 'x' })).catch((e: unknown) => e),
    ).toBeInstanceOf(ForbiddenError);
    expect(await count()).toBe(0);
    const team = await aTeam(org);
    expect(await org.as(org.ada, (uow) => uow.teams.addMember(team.id, { userId: stranger.bob })).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    // A deactivated user cannot join (nor become an owner).
    await sql`UPDATE users SET is_active = false WHERE id = ${org.cy}`.execute(owner);
    expect(await org.as(org.ada, (uow) => uow.teams.addMember(team.id, { userId: org.cy, role: 'owner' })).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    await sql`UPDATE users SET is_active = true WHERE id = ${org.cy}`.execute(owner);
    // As the application role, a team inserted without an owner is refused at COMMIT.
    const bare = await org.as(org.ada, (uow) => sql`INSERT INTO teams (organization_id, slug, name) VALUES (${org.organizationId}, ${`bare-${unique()}`}, 'Bare')`.execute(uow.trx)).catch((e: unknown) => e);
    expect(bare).toBeInstanceOf(CheckViolationError);
    expect((bare as CheckViolationError).constraint).toBe('teams_has_owner');
    expect(await org.as(org.ada, (uow) => uow.teams.addMember(team.id, { userId: org.bob })).catch((e: unknown) => e)).toBeInstanceOf(UniqueViolationError);
    expect(await org.as(org.ada, (uow) => uow.teams.changeRole(team.id, org.cy, 'admin')).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    expect(await org.as(org.ada, (uow) => uow.teams.changeRole(team.id, org.bob, 'boss' as never)).catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
    expect(await org.as(org.ada, (uow) => uow.teams.removeMember(team.id, org.cy)).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
  });

  it('members: added, their role changed, removed; owners first in the list; each change audited with its event', async () => {
    const org = await anOrg();
    const team = await aTeam(org);
    await org.as(org.ada, (uow) => uow.teams.addMember(team.id, { userId: org.cy }));
    expect((await org.as(org.ada, (uow) => uow.teams.listMembers(team.id))).map((m) => [m.userId, m.role])).toEqual([
      [org.ada, 'owner'],
      [org.bob, 'owner'],
      [org.cy, 'member'],
    ]);
    expect(await org.as(org.ada, (uow) => uow.teams.changeRole(team.id, org.cy, 'viewer'))).toMatchObject({ role: 'viewer' });
    await org.as(org.ada, (uow) => uow.teams.changeRole(team.id, org.cy, 'viewer')); // no change: no audit row
    await org.as(org.ada, (uow) => uow.teams.removeMember(team.id, org.cy));
    const { rows } = await sql<{ action: string }>`SELECT action FROM audit_logs WHERE entity_id = ${team.id} ORDER BY created_at`.execute(owner);
    expect(rows.map((r) => r.action)).toEqual(['team.create', 'team_member.add', 'team_member.add', 'team_member.change_role', 'team_member.remove']);
    const { rows: events } = await sql<{ event_type_code: string }>`
      SELECT event_type_code FROM domain_events WHERE aggregate_id = ${team.id} AND organization_id = ${org.organizationId} ORDER BY created_at`.execute(owner);
    expect(events.map((e) => e.event_type_code)).toEqual(['team.created', 'team.member_added', 'team.member_added', 'team.member_role_changed', 'team.member_removed']);
  });

  it('the last owner can be neither demoted nor removed (CheckViolationError team_members_last_owner), nothing written; a deleted team can lose them', async () => {
    const org = await anOrg();
    const { team } = await org.as(org.ada, (uow) => uow.teams.create({ organizationId: org.organizationId, slug: `t-${unique()}`, name: 'Solo' }));
    for (const attempt of [() => org.as(org.ada, (uow) => uow.teams.changeRole(team.id, org.ada, 'admin')), () => org.as(org.ada, (uow) => uow.teams.removeMember(team.id, org.ada))]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckViolationError);
      expect((error as CheckViolationError).constraint).toBe('team_members_last_owner');
    }
    expect(await owners(team.id)).toEqual([org.ada]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = ${team.id}`.execute(owner);
    expect(rows[0]!.n).toBe(1);
    // With another owner, either may go.
    await org.as(org.ada, (uow) => uow.teams.addMember(team.id, { userId: org.bob, role: 'owner' }));
    await org.as(org.ada, (uow) => uow.teams.changeRole(team.id, org.ada, 'member'));
    expect(await owners(team.id)).toEqual([org.bob]);
    await org.as(org.bob, (uow) => uow.teams.delete(team.id));
    await sql`DELETE FROM team_members WHERE team_id = ${team.id}`.execute(owner);
    expect(await owners(team.id)).toEqual([]);
  });

  it('two owners demoting each other at the same moment: one wins, one owner remains (read committed, one waiting on the other)', async () => {
    const org = await anOrg();
    const team = await aTeam(org);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let demoted!: () => void;
    const first = new Promise<void>((resolve) => (demoted = resolve));
    const ada = org.as(org.ada, async (uow) => {
      await uow.teams.changeRole(team.id, org.bob, 'admin');
      demoted();
      await gate;
    });
    await first;
    const bob = org.as(org.bob, (uow) => uow.teams.changeRole(team.id, org.ada, 'admin'));
    await new Promise((resolve) => setTimeout(resolve, 200)); // bob waits for the team's row
    release();
    const [a, b] = await Promise.allSettled([ada, bob]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(CheckViolationError);
    expect(await owners(team.id)).toEqual([org.ada]);
  });

  it('owners demoting and removing each other at once, in read committed, repeatable read and serializable, over and over: never no owner', async () => {
    const org = await anOrg();
    for (let round = 0; round < 9; round += 1) {
      const team = await aTeam(org);
      const isolationLevel = (['read committed', 'repeatable read', 'serializable'] as const)[round % 3]!;
      const repeatable = isolationLevel === 'read committed' ? {} : ({ isolationLevel, retry: { attempts: 5 } } as const);
      const results = await Promise.allSettled([
        org.as(org.ada, (uow) => uow.teams.changeRole(team.id, org.bob, 'member'), repeatable),
        org.as(org.bob, (uow) => (round % 4 < 2 ? uow.teams.changeRole(team.id, org.ada, 'viewer').then(() => undefined) : uow.teams.removeMember(team.id, org.ada)), repeatable),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(CheckViolationError);
      expect(await owners(team.id)).toHaveLength(1);
    }
  });
});
