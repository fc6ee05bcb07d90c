import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent } from '../../../../src/core/audit/audit-event.js';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import { TransitionConflictError } from '../../../../src/core/errors/transition-conflict-error.js';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { staffProfileAggregate } from '../../../../src/contexts/identity/staff-profiles/staff-profile.js';
import { createRepositories } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { auditRowsOf } from '../../../helpers/audit.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anotherApplicant, aStaffWorld, type StaffWorld } from '../../../helpers/staff.js';
import { recordStatements } from '../../../core/unit-of-work/record-statements.js';

// A transition is ONE statement (lock, conditional UPDATE, audit INSERT, refusal facts): no
// BEGIN/COMMIT of its own, and audit snapshots built in SQL exactly as auditEvent builds them.
describe('staff-profile transitions: one statement each', () => {
  const testDb = useTestDatabase();
  const applicationName = `stmt-${randomUUID().slice(0, 8)}`;
  let db: Kysely<DB>;
  let world: StaffWorld;
  beforeAll(async () => {
    world = await aStaffWorld(testDb.current.db, { verification: { validityDays: 30 } });
    db = createDatabase({ connectionString: testDb.current.connectionString, applicationName, max: 1 });
  });
  afterAll(async () => {
    await db?.destroy();
  });

  /** Runs `work` while recording what this test's pool sends. */
  const recorded = async <T>(work: () => Promise<T>) => {
    const recorder = recordStatements(applicationName);
    try {
      const result = await work().catch((error: unknown) => error);
      return { result, sent: recorder.sent.map((s) => s.sql) };
    } finally {
      recorder.stop();
    }
  };

  it('edit, submit and verify each send one statement; the audit snapshots equal auditEvent of the rows', async () => {
    const { userId } = await anotherApplicant(testDb.current.db, world);
    const asApplicant = createRepositories(db, { actorUserId: userId, requestId: 'req-1', ip: '10.1.2.3', userAgent: 'ua/1' });
    const asVerifier = createRepositories(db, { actorUserId: world.verifierId });
    const initial = await world.system.staffProfiles.getByUserId(userId);

    const edit = await recorded(() => asApplicant.staffProfiles.edit(userId, { jobTitle: 'Lecturer', employeeId: `E-${randomUUID().slice(0, 8).toUpperCase()}` }));
    expect(edit.sent).toHaveLength(1);
    const edited = edit.result as Awaited<ReturnType<typeof asApplicant.staffProfiles.edit>>;
    const submit = await recorded(() => asApplicant.staffProfiles.submit(userId));
    expect(submit.sent).toHaveLength(1);
    const submitted = submit.result as typeof edited;
    // Microseconds in a timestamp: the snapshot truncates to milliseconds, as pg's Date does.
    await sql`UPDATE user_staff_profiles SET verification_submitted_at = '2024-05-06 07:08:09.123999+00'
      WHERE user_id = ${userId}::uuid`.execute(testDb.current.db);
    const before = await world.system.staffProfiles.getByUserId(userId);
    expect(before.verificationSubmittedAt!.toISOString()).toBe('2024-05-06T07:08:09.123Z');
    const verify = await recorded(() => asVerifier.staffProfiles.verify(userId, { expectedVersion: submitted.version }));
    expect(verify.sent).toHaveLength(1);
    const verified = verify.result as typeof edited;
    expect(verified).toMatchObject({ status: 'verified', version: submitted.version + 1, verifiedByUserId: world.verifierId });

    const rows = await auditRowsOf(testDb.current.db, { entityType: 'staff_profile', entityId: userId });
    const expected = [
      auditEvent(staffProfileAggregate, 'edit', { entityId: userId, organizationId: world.organizationId, before: initial, after: edited }),
      auditEvent(staffProfileAggregate, 'submit', { entityId: userId, organizationId: world.organizationId, before: { ...edited }, after: submitted }),
      auditEvent(staffProfileAggregate, 'verify', { entityId: userId, organizationId: world.organizationId, before, after: verified }),
    ];
    expect(rows.slice(-3).map(({ action, entityType, entityId, organizationId, before: b, after: a }) => ({ action, entityType, entityId, organizationId, before: b, after: a }))).toEqual(expected);
    expect(rows.at(-3)).toMatchObject({ actorUserId: userId, requestId: 'req-1', ip: '10.1.2.3', userAgent: 'ua/1' });
    expect(rows.at(-1)).toMatchObject({ actorUserId: world.verifierId, requestId: null, ip: null, userAgent: null });
  });

  it('a refused transition is one statement too and writes nothing', async () => {
    const { userId, repos } = await anotherApplicant(testDb.current.db, world);
    const asVerifier = createRepositories(db, { actorUserId: world.verifierId });
    const draft = await repos.staffProfiles.getByUserId(userId);
    const wrongState = await recorded(() => asVerifier.staffProfiles.verify(userId, { expectedVersion: draft.version }));
    expect(wrongState.result).toBeInstanceOf(TransitionConflictError);
    expect(wrongState.sent).toHaveLength(1);
    const stale = await recorded(() => asVerifier.staffProfiles.verify(userId, { expectedVersion: draft.version + 5 }));
    expect(stale.result).toBeInstanceOf(VersionConflictError);
    expect(stale.result).toMatchObject({ currentStatus: 'draft' });
    expect(stale.sent).toHaveLength(1);
    expect(await auditRowsOf(testDb.current.db, { entityType: 'staff_profile', entityId: userId, action: 'staff_profile.verify' })).toEqual([]);
  });

  it("inside the caller's transaction it runs there: rolled back with it, audit row included", async () => {
    const { userId, repos } = await anotherApplicant(testDb.current.db, world);
    const pending = await repos.staffProfiles.submit(userId);
    const rolledBack = new Error('roll back');
    await db
      .transaction()
      .execute(async (trx) => {
        const verified = await createRepositories(trx, { actorUserId: world.verifierId }).staffProfiles.verify(userId, {
          expectedVersion: pending.version,
        });
        expect(verified.status).toBe('verified');
        expect(await auditRowsOf(trx, { entityId: userId, action: 'staff_profile.verify' })).toHaveLength(1);
        throw rolledBack;
      })
      .catch((error: unknown) => {
        if (error !== rolledBack) throw error;
      });
    expect(await repos.staffProfiles.getByUserId(userId)).toMatchObject({ status: 'pending', version: pending.version });
    expect(await auditRowsOf(testDb.current.db, { entityId: userId, action: 'staff_profile.verify' })).toEqual([]);
  });
});
