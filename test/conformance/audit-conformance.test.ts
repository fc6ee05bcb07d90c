// Driven by the aggregates' declarations: every mutation of every aggregate (one scenario per
// declared action, in test/contexts/**/*.scenarios.ts) writes exactly one audit row for its action, in the same transaction as the change, holding only the fields its
// aggregate whitelists.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDITED_FIELDS, type AuditAction, type AuditEntityType } from '../../src/aggregates.js';
import { unitOfWork } from '../../src/repositories.js';
import type { DB } from '../../src/schema/db.js';
import { useTestDatabase } from '../helpers/database.js';
import { aWorld } from '../helpers/world.js';
import type { Scenario } from './scenario.js';

/** Every `*.scenarios.ts` under test/contexts, merged; an action declared twice is an error. */
async function loadScenarios(): Promise<{ scenarios: Partial<Record<string, Scenario>>; duplicates: string[] }> {
  const root = join(import.meta.dirname, '..', 'contexts');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.scenarios.ts')).sort();
  const scenarios: Partial<Record<string, Scenario>> = {};
  const duplicates: string[] = [];
  for (const file of files) {
    const module = (await import(join(root, file))) as { SCENARIOS: Record<string, Scenario> };
    for (const [action, scenario] of Object.entries(module.SCENARIOS)) {
      if (scenarios[action]) duplicates.push(`${action} (${file})`);
      scenarios[action] = scenario;
    }
  }
  return { scenarios, duplicates };
}

const { scenarios: MUTATIONS, duplicates } = await loadScenarios();

interface Row {
  action: string;
  entity_type: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  actor_user_id: string | null;
  request_id: string | null;
}

class Rollback extends Error {
  constructor(readonly rows: Row[]) {
    super('rollback');
  }
}

describe('audit conformance (every declared action)', () => {
  const testDb = useTestDatabase();
  let db: Kysely<DB>;
  beforeAll(() => {
    db = testDb.current.db;
  });

  it('every declared action has one scenario (beside its aggregate) and every scenario a declared action', () => {
    expect(duplicates).toEqual([]);
    expect(Object.keys(MUTATIONS).sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect(AUDIT_ACTIONS.length).toBeGreaterThanOrEqual(30);
  });

  it.each([...AUDIT_ACTIONS])('%s: one row, whitelisted fields, same transaction', async (action: AuditAction) => {
    const scenario = MUTATIONS[action];
    if (!scenario) throw new Error(`no scenario for ${action}`);
    const world = await aWorld(db);
    const state = scenario.setup ? await scenario.setup(world, db) : undefined;
    const actorUserId =
      scenario.actor === 'applicant' ? world.applicantId : scenario.actor === 'verifier' ? world.verifierId : null;
    const requestId = `conformance-${action}`;
    const before = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs`.execute(db);

    // Run the mutation in a unit of work, read the audit rows THIS transaction wrote, roll back.
    const rows = await unitOfWork(db, { context: { actorUserId, requestId } }, async (uow) => {
      await scenario.run(uow, world, state);
      const { rows: written } = await sql<Row>`
        SELECT action, entity_type, before, after, actor_user_id, request_id FROM audit_logs
        WHERE xmin::text = (pg_current_xact_id()::xid)::text ORDER BY event_id`.execute(uow.trx);
      throw new Rollback(written);
    }).catch((error: unknown) => {
      if (error instanceof Rollback) return error.rows;
      throw error;
    });

    expect(rows.filter((row) => row.action === action)).toHaveLength(1);
    for (const row of rows) {
      expect(AUDIT_ACTIONS).toContain(row.action);
      expect(row).toMatchObject({ actor_user_id: actorUserId, request_id: requestId });
      const allowed = AUDITED_FIELDS[row.entity_type as AuditEntityType];
      expect(allowed, `entity type ${row.entity_type}`).toBeDefined();
      const fields = [...Object.keys(row.before ?? {}), ...Object.keys(row.after ?? {})];
      for (const field of fields) expect(allowed, `${row.action} snapshot field ${field}`).toContain(field);
      expect(row.before ?? row.after, `${row.action} has a snapshot`).not.toBeNull();
    }
    // Rolled back with the change: nothing of it is left.
    const after = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs`.execute(db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('never audits a birthdate (the whitelist keeps it out of every snapshot)', () => {
    for (const fields of Object.values(AUDITED_FIELDS)) expect(fields).not.toContain('birthdate');
  });
});
