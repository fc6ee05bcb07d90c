// Integrity rules of form_collaborators, from
// sql/migrations/20261209090000_create_form_collaborators.up.sql, exercised with raw SQL. The
// harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  create,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  insert,
  NOT_NULL,
  OLD,
  organizationRow,
  type Row,
  UNIQUE,
  useConstraintHarness,
  userRow,
} from '../../../helpers/constraints.js';
import { coverage } from './collaborators.constraints.js';

useConstraintHarness(coverage);

let organizationId: string;
let userId: string;
let formId: string;
let teamId: string;
let roleId: string;
beforeAll(async () => {
  organizationId = (await create('organizations', organizationRow())).id as string;
  userId = (await create('users', userRow(organizationId))).id as string;
  formId = (await create('forms', { organization_id: organizationId, slug: 'claims', name: 'Claims' })).id as string;
  const { rows } = await client.query<{ id: string }>(
    `WITH t AS (INSERT INTO teams (organization_id, slug, name) VALUES ($1, 'review', 'Review') RETURNING id),
       m AS (INSERT INTO team_members (organization_id, team_id, user_id, role) SELECT $1, id, $2, 'owner' FROM t) SELECT id FROM t`,
    [organizationId, userId],
  );
  teamId = rows[0]!.id;
  roleId = (await client.query<{ id: string }>(`SELECT id FROM roles WHERE name = 'form_editor'`)).rows[0]!.id;
});
const row = (overrides: Row = {}): Row => ({ organization_id: organizationId, form_id: formId, user_id: userId, role_id: roleId, ...overrides });

describe('form_collaborators', () => {
  it('the migration seeds the three form roles with their permissions', async () => {
    const { rows } = await client.query(`
      SELECT r.name AS role, array_agg(p.name ORDER BY p.name) AS permissions
      FROM roles r JOIN role_permissions rp ON rp.role_id = r.id JOIN permissions p ON p.id = rp.permission_id
      WHERE r.name LIKE 'form\\_%' GROUP BY r.name ORDER BY r.name`);
    expect(rows).toEqual([
      { role: 'form_editor', permissions: ['form:edit', 'submission:read'] },
      { role: 'form_publisher', permissions: ['form:edit', 'form:publish', 'submission:read'] },
      { role: 'form_viewer', permissions: ['submission:read'] },
    ]);
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'form_id', 'role_id'])('NOT NULL %s', (column) =>
    expectRejected(insert('form_collaborators', row({ [column]: null })), NOT_NULL, `form_collaborators.${column}`),
  );

  it('keys: the primary key; a role once per user and once per team on a form', async () => {
    const first = await create('form_collaborators', row());
    await expectRejected(insert('form_collaborators', row({ id: first.id, role_id: (await client.query<{ id: string }>(`SELECT id FROM roles WHERE name = 'form_viewer'`)).rows[0]!.id })), UNIQUE, 'form_collaborators_pkey');
    await expectRejected(insert('form_collaborators', row()), UNIQUE, 'form_collaborators_user_role_key');
    await create('form_collaborators', row({ user_id: null, team_id: teamId }));
    await expectRejected(insert('form_collaborators', row({ user_id: null, team_id: teamId })), UNIQUE, 'form_collaborators_team_role_key');
  });

  it('form_collaborators_user_or_team: exactly one of them', async () => {
    await expectRejected(insert('form_collaborators', row({ user_id: null })), CHECK, 'form_collaborators_user_or_team');
    await expectRejected(insert('form_collaborators', row({ team_id: teamId })), CHECK, 'form_collaborators_user_or_team');
  });

  it('foreign keys: the form, user, team and creator within the organization; a role in use cannot be deleted', async () => {
    const other = (await create('organizations', organizationRow())).id as string;
    const stranger = (await create('users', userRow(other))).id;
    await expectRejected(insert('form_collaborators', row({ form_id: randomUUID() })), FOREIGN_KEY, 'form_collaborators_form_id_fkey');
    await expectRejected(insert('form_collaborators', row({ user_id: stranger })), FOREIGN_KEY, 'form_collaborators_user_id_fkey');
    await expectRejected(insert('form_collaborators', row({ user_id: null, team_id: randomUUID() })), FOREIGN_KEY, 'form_collaborators_team_id_fkey');
    await expectRejected(insert('form_collaborators', row({ role_id: randomUUID() })), FOREIGN_KEY, 'form_collaborators_role_id_fkey');
    const fresh = (await create('users', userRow(organizationId))).id;
    await expectRejected(insert('form_collaborators', row({ user_id: fresh, created_by: stranger })), FOREIGN_KEY, 'form_collaborators_created_by_fkey');
    const role = (await create('roles', { name: `temp_${randomUUID().slice(0, 8)}` })).id;
    await create('form_collaborators', row({ user_id: fresh, role_id: role }));
    // ON DELETE RESTRICT: 23001 (restrict_violation) from PostgreSQL 16 on, 23503 before.
    const error = await client.query('DELETE FROM roles WHERE id = $1', [role]).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ constraint: 'form_collaborators_role_id_fkey' });
    expect(['23001', FOREIGN_KEY]).toContain((error as { code: string }).code);
  });

  it('form_collaborators_set_updated_at keeps updated_at current', async () => {
    const made = await create('form_collaborators', row({ role_id: (await client.query<{ id: string }>(`SELECT id FROM roles WHERE name = 'form_publisher'`)).rows[0]!.id, created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('form_collaborators', { id: made.id });
  });
});
