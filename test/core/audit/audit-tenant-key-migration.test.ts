// Migration 20261212090000_audit_logs_tenant_key on a database in service: platform audit rows
// written as NULL (in the DEFAULT and a monthly partition), run as a table owner that is not a
// superuser (row-level security FORCEd on it), forward, back and forward again.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_ORGANIZATION_ID } from '../../../src/core/audit/platform-organization.js';
import { embeddedMigrations } from '../../../src/core/migrations/embedded-migrations.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { runScript } from '../../../src/core/migrations/run-script.js';
import { resolveTimeouts } from '../../../src/core/migrations/timeouts.js';
import { useTestDatabase } from '../../helpers/database.js';
import { useOwnerLogin } from '../partitions/owner-login.js';

const NAME = '20261212090000_audit_logs_tenant_key';
const migration = embeddedMigrations.find((m) => m.name === NAME)!;
const previous = embeddedMigrations[embeddedMigrations.indexOf(migration) - 1]!.name;
const MONTHLY = 'audit_logs_2099_01';

interface Row {
  readonly event_id: string;
  readonly organization_id: string | null;
  readonly action: string;
  readonly after: unknown;
  readonly partition: string;
}

describe(`migration ${NAME}`, () => {
  const testDb = useTestDatabase({ migrated: false, max: 2 });
  const owner = useOwnerLogin(testDb);
  const admin = () => testDb.current.db as Kysely<any>;
  const tenant = randomUUID();

  async function rows(): Promise<Row[]> {
    const { rows } = await sql<Row>`
      SELECT event_id::text, organization_id::text, action, after, tableoid::regclass::text AS partition
      FROM audit_logs ORDER BY event_id`.execute(admin());
    return rows;
  }

  async function primaryKeys(): Promise<Record<string, string>> {
    const { rows } = await sql<{ name: string; def: string }>`
      SELECT k.conname AS name, pg_get_constraintdef(k.oid) AS def
      FROM pg_constraint k
      WHERE k.contype = 'p' AND (k.conrelid = 'audit_logs'::regclass
        OR k.conrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass))
      ORDER BY 1`.execute(admin());
    return Object.fromEntries(rows.map((r) => [r.name, r.def]));
  }

  // Before the owner login's own cleanup (hooks run in reverse): it could not drop tables that
  // everything references.
  afterAll(async () => {
    await sql`REASSIGN OWNED BY ${sql.id(owner.current.user)} TO CURRENT_USER`.execute(admin());
  });

  const run = (script: typeof migration.up) =>
    runScript(owner.current.db, NAME, script, resolveTimeouts(), async () => undefined);

  beforeAll(async () => {
    await migrate(admin(), { to: previous });
    await sql.raw(`CREATE TABLE ${MONTHLY} PARTITION OF audit_logs FOR VALUES FROM ('2099-01-01') TO ('2099-02-01')`).execute(admin());
    // 0.11.0's rows: platform rows NULL, a tenant's row, in the DEFAULT and a monthly partition.
    for (const [org, at] of [
      [null, '2031-05-01T00:00:00Z'],
      [tenant, '2031-05-01T00:00:00Z'],
      [null, '2099-01-15T00:00:00Z'],
      [tenant, '2099-01-15T00:00:00Z'],
    ] as const) {
      await sql`INSERT INTO audit_logs (organization_id, action, entity_type, entity_id, after, created_at, updated_at)
        VALUES (${org}, 'role.create', 'role', ${randomUUID()}, ${JSON.stringify({ at })}::jsonb, ${at}, ${at})`.execute(admin());
    }
    // The owner of what the migration changes: neither superuser nor BYPASSRLS.
    const role = sql.id(owner.current.user);
    for (const table of ['organizations', 'audit_logs', 'audit_logs_default', MONTHLY]) {
      await sql`ALTER TABLE ${sql.id(table)} OWNER TO ${role}`.execute(admin());
    }
    await sql`ALTER FUNCTION audit_logs_reject_change() OWNER TO ${role}`.execute(admin());
  });

  it('forward: platform rows get the marker (nothing else changes), the column is NOT NULL, the key gains organization_id', async () => {
    const before = await rows();
    const keysBefore = await primaryKeys();
    await run(migration.up);

    const after = await rows();
    expect(after).toEqual(before.map((r) => ({ ...r, organization_id: r.organization_id ?? PLATFORM_ORGANIZATION_ID })));
    expect(after.filter((r) => r.organization_id === PLATFORM_ORGANIZATION_ID).map((r) => r.partition)).toEqual([
      'audit_logs_default',
      MONTHLY,
    ]);
    const nullable = await sql<{ nullable: boolean }>`
      SELECT NOT attnotnull AS nullable FROM pg_attribute WHERE attrelid = 'audit_logs'::regclass AND attname = 'organization_id'`.execute(admin());
    expect(nullable.rows).toEqual([{ nullable: false }]);
    // Same key names, organization_id last; the partitions' keys are the parent's (attached).
    expect(Object.keys(await primaryKeys())).toEqual(Object.keys(keysBefore));
    for (const def of Object.values(await primaryKeys())) expect(def).toBe('PRIMARY KEY (event_id, created_at, organization_id)');
    const attached = await sql<{ n: string }>`
      SELECT count(*)::text AS n FROM pg_constraint WHERE contype = 'p' AND conparentid = (
        SELECT oid FROM pg_constraint WHERE conrelid = 'audit_logs'::regclass AND contype = 'p')`.execute(admin());
    expect(attached.rows).toEqual([{ n: '2' }]);
    // Nothing of the backfill is left: no policy, no swap index, the trail is append-only again.
    const leftovers = await sql`
      SELECT polname AS name FROM pg_policy WHERE polname = 'org_data_platform_backfill'
      UNION ALL SELECT relname FROM pg_class WHERE relname LIKE '%pkey_swap'
      UNION ALL SELECT conname FROM pg_constraint WHERE conname = 'audit_logs_organization_id_present'`.execute(admin());
    expect(leftovers.rows).toEqual([]);
    const update = await sql`UPDATE audit_logs SET organization_id = NULL WHERE organization_id = ${PLATFORM_ORGANIZATION_ID}`
      .execute(admin())
      .catch((e: { code?: string }) => e.code);
    expect(update).toBe('42501');
    const again = await sql`UPDATE audit_logs SET organization_id = ${PLATFORM_ORGANIZATION_ID} WHERE false`.execute(admin());
    expect(again.numAffectedRows).toBe(0n);
  });

  it('after it: a NULL written by a 0.11 service is the marker; no organization can be the platform', async () => {
    const { rows: inserted } = await sql<{ organization_id: string }>`
      INSERT INTO audit_logs (organization_id, action, entity_type, entity_id)
      VALUES (NULL, 'permission.create', 'permission', ${randomUUID()}) RETURNING organization_id::text`.execute(admin());
    expect(inserted).toEqual([{ organization_id: PLATFORM_ORGANIZATION_ID }]);
    const platform = await sql`INSERT INTO organizations (id, name, slug) VALUES (${PLATFORM_ORGANIZATION_ID}, 'Platform', ${`platform-${tenant.slice(0, 8)}`})`
      .execute(admin())
      .catch((e: { code?: string; constraint?: string }) => [e.code, e.constraint]);
    expect(platform).toEqual(['23514', 'organizations_id_not_platform']);
  });

  it('back, and forward again: 0.11.0 restored exactly (NULL platform rows, nullable, the old key), then the same result', async () => {
    const forward = await rows();
    const keysForward = await primaryKeys();
    await run(migration.down);
    const back = await rows();
    expect(back).toEqual(forward.map((r) => ({ ...r, organization_id: r.organization_id === PLATFORM_ORGANIZATION_ID ? null : r.organization_id })));
    for (const def of Object.values(await primaryKeys())) expect(def).toBe('PRIMARY KEY (event_id, created_at)');
    const objects = await sql`
      SELECT tgname AS name FROM pg_trigger WHERE tgname = 'audit_logs_platform_row'
      UNION ALL SELECT conname FROM pg_constraint WHERE conname = 'organizations_id_not_platform'
      UNION ALL SELECT relname FROM pg_class WHERE relname LIKE '%pkey_swap'`.execute(admin());
    expect(objects.rows).toEqual([]);

    await run(migration.up);
    // Re-runnable: a second forward run on a migrated database changes nothing.
    await run(migration.up);
    expect(await rows()).toEqual(forward);
    expect(await primaryKeys()).toEqual(keysForward);
  });
});
