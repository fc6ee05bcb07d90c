// Integrity rules of teams and team_members, from
// sql/migrations/20261206090000_create_teams.up.sql, exercised with raw SQL. The harness, and how
// coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  create,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  markTriggerChecked,
  markViolated,
  NOT_NULL,
  OLD,
  organizationRow,
  type Row,
  UNIQUE,
  useConstraintHarness,
  userRow, expectSameKey } from '../../../helpers/constraints.js';
import { coverage } from './teams.constraints.js';

useConstraintHarness(coverage);

let organizationId: string;
let userId: string;
let secondUserId: string;
beforeAll(async () => {
  organizationId = (await create('organizations', organizationRow())).id as string;
  userId = (await create('users', userRow(organizationId))).id as string;
  secondUserId = (await create('users', userRow(organizationId))).id as string;
});
let slugs = 0;
const teamRow = (overrides: Row = {}): Row => ({ organization_id: organizationId, slug: `team-${(slugs += 1)}`, name: 'Claims review', ...overrides });

/** A live team with its owner (`ownerId`, of the team's organization), inserted by one statement: teams_has_owner holds at commit. */
async function aLiveTeam(overrides: Row = {}, ownerId = userId): Promise<Row> {
  const row = teamRow(overrides);
  const columns = Object.keys(row);
  const { rows } = await client.query<Row>(
    `WITH t AS (INSERT INTO teams (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *),
       m AS (INSERT INTO team_members (organization_id, team_id, user_id, role) SELECT organization_id, id, $${columns.length + 1}, 'owner' FROM t)
     SELECT * FROM t`,
    [...Object.values(row), ownerId],
  );
  return rows[0]!;
}

describe('teams', () => {
  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'slug', 'name'])('NOT NULL %s', (column) =>
    expectRejected(insert('teams', teamRow({ [column]: null })), NOT_NULL, `teams.${column}`),
  );

  it('teams_pkey; teams_organization_id_slug_key among live teams only; teams_organization_id_id_key is the members’ target', async () => {
    const first = await aLiveTeam();
    await expectRejected(insert('teams', teamRow({ id: first.id })), UNIQUE, 'teams_organization_id_id_key');
    await expectSameKey('teams_pkey', 'PRIMARY KEY (id, organization_id)', 'teams_organization_id_id_key');
    await expectRejected(insert('teams', teamRow({ slug: first.slug })), UNIQUE, 'teams_organization_id_slug_key');
    await create('teams', teamRow({ slug: first.slug, deleted_at: '2031-01-01T00:00:00Z' }));
    const other = (await create('organizations', organizationRow())).id as string;
    await aLiveTeam({ organization_id: other, slug: first.slug }, (await create('users', userRow(other))).id as string);
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'teams_organization_id_id_key'`);
    expect(rows).toEqual([{ definition: 'UNIQUE (organization_id, id)', referenced_by: ['form_collaborators_team_id_fkey', 'submissions_assigned_team_id_fkey', 'team_members_team_id_fkey'] }]);
    markViolated('teams_organization_id_id_key');
  });

  it('teams_organization_id_fkey', () => expectRejected(insert('teams', teamRow({ organization_id: randomUUID() })), FOREIGN_KEY, 'teams_organization_id_fkey'));

  it.each([
    ['teams_slug_format', { slug: 'Claims' }],
    ['teams_slug_format', { slug: 'a--b' }],
    ['teams_slug_format', { slug: '-a' }],
    ['teams_slug_format', { slug: 'a'.repeat(64) }],
    ['teams_slug_format', { slug: HUGE }],
    ['teams_name_length', { name: ' ' }],
    ['teams_name_length', { name: 'n'.repeat(201) }],
    ['teams_description_length', { description: 'd'.repeat(1001) }],
    ['teams_deleted_after_created', { created_at: '2031-01-02T00:00:00Z', deleted_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', (constraint, overrides) => expectRejected(insert('teams', teamRow(overrides)), CHECK, constraint));

  it('teams_has_owner: a live team without an owner is refused at COMMIT, inserted so or restored after its owners left', async () => {
    await expect(client.query(insert('teams', teamRow()))).rejects.toMatchObject({ code: CHECK, constraint: 'teams_has_owner' });
    const team = await aLiveTeam();
    await client.query('UPDATE teams SET deleted_at = now() WHERE id = $1', [team.id]);
    await client.query('DELETE FROM team_members WHERE team_id = $1', [team.id]);
    await expect(client.query('UPDATE teams SET deleted_at = NULL WHERE id = $1', [team.id])).rejects.toMatchObject({ code: CHECK, constraint: 'teams_has_owner' });
    // In one transaction: the team first, its owner next, checked at COMMIT.
    await client.query('BEGIN');
    const { rows } = await client.query<Row>(`INSERT INTO teams (organization_id, slug, name) VALUES ($1, $2, 'Two steps') RETURNING id`, [organizationId, `two-${slugs}`]);
    await client.query(`INSERT INTO team_members (organization_id, team_id, user_id, role) VALUES ($1, $2, $3, 'owner')`, [organizationId, rows[0]!.id, userId]);
    await client.query('COMMIT');
    markTriggerChecked('teams_has_owner');
  });

  it('teams_set_updated_at keeps updated_at current', async () => {
    const made = await aLiveTeam({ created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('teams', { id: made.id });
  });
});

describe('team_members', () => {
  let teamId: string;
  beforeAll(async () => {
    teamId = (await aLiveTeam()).id as string;
  });
  const row = (overrides: Row = {}): Row => ({ organization_id: organizationId, team_id: teamId, user_id: secondUserId, role: 'member', ...overrides });

  it.each(['organization_id', 'team_id', 'user_id', 'role', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('team_members', row({ [column]: null })), NOT_NULL, `team_members.${column}`),
  );

  it('team_members_pkey: a user once per team; team_members_role_values', async () => {
    const team = (await aLiveTeam()).id;
    await expectRejected(insert('team_members', row({ team_id: team, user_id: userId })), UNIQUE, 'team_members_pkey');
    await expectRejected(insert('team_members', row({ role: 'boss' })), CHECK, 'team_members_role_values');
  });

  it('foreign keys: the team and the user, both within the organization', async () => {
    const other = (await create('organizations', organizationRow())).id as string;
    const stranger = (await create('users', userRow(other))).id;
    await expectRejected(insert('team_members', row({ user_id: stranger })), FOREIGN_KEY, 'team_members_user_id_fkey');
    await expectRejected(insert('team_members', row({ team_id: randomUUID() })), FOREIGN_KEY, 'team_members_team_id_fkey');
  });

  it('team_members_last_owner: the last owner of a live team can be neither demoted nor deleted; of a deleted team, both', async () => {
    const team = (await aLiveTeam()).id as string;
    const second = secondUserId;
    await create('team_members', row({ team_id: team, user_id: second, role: 'owner' }));
    // One of two owners may go.
    await client.query(`UPDATE team_members SET role = 'admin' WHERE team_id = $1 AND user_id = $2`, [team, second]);
    for (const statement of [
      { text: `UPDATE team_members SET role = 'viewer' WHERE team_id = $1 AND user_id = $2`, values: [team, userId] },
      { text: 'DELETE FROM team_members WHERE team_id = $1 AND user_id = $2', values: [team, userId] },
    ]) {
      await expect(client.query(statement)).rejects.toMatchObject({ code: CHECK, constraint: 'team_members_last_owner' });
    }
    // Demoting an owner updates the team's row (the serialization point of owner changes).
    const { rows } = await client.query<{ updated: boolean }>(`SELECT updated_at > created_at AS updated FROM teams WHERE id = $1`, [team]);
    expect(rows).toEqual([{ updated: true }]);
    // Nor moved to another team.
    const elsewhere = (await aLiveTeam({}, secondUserId)).id;
    await expect(client.query('UPDATE team_members SET team_id = $1 WHERE team_id = $2 AND user_id = $3', [elsewhere, team, userId])).rejects.toMatchObject({
      code: CHECK,
      constraint: 'team_members_last_owner',
    });
    await client.query(`UPDATE teams SET deleted_at = now() WHERE id = $1`, [team]);
    await client.query('DELETE FROM team_members WHERE team_id = $1', [team]);
    markTriggerChecked('team_members_last_owner');
  });

  it('team_members_set_updated_at keeps updated_at current', async () => {
    const team = (await aLiveTeam()).id;
    await create('team_members', row({ team_id: team, created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('team_members', { team_id: team, user_id: secondUserId });
  });
});
