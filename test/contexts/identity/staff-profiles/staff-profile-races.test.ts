import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { createRepositories, type Repositories } from '../../../../src/repositories.js';
import type { StaffProfile } from '../../../../src/contexts/identity/staff-profiles/staff-profile.js';
import type { DB } from '../../../../src/schema/db.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { aUser } from '../../../helpers/fixtures.js';
import { aStaffWorld, anotherApplicant, ensureVerifierRole, type StaffWorld } from '../../../helpers/staff.js';

// Races between transitions on SEPARATE real connections (one pool of its own per actor).
// Where the overlap matters, it is made certain rather than hoped for: a third connection
// holds the profile rows locked, the racing statements are started and the test waits until
// PostgreSQL reports them waiting on that lock, then lets go, so they run at the same moment
// against the same committed version.

interface Pending {
  readonly userId: string;
  readonly version: number;
}

/** Waits until `count` backends with `applicationName` wait on a heavyweight lock. */
async function waitForLockWaiters(db: Kysely<DB>, applicationName: string, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = ${applicationName} AND wait_event_type = 'Lock'`.execute(db);
    if ((rows[0]?.n ?? 0) >= count) return;
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} backends of ${applicationName} waiting on a lock, saw ${rows[0]?.n}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs `work` in a transaction on `db` and keeps it open until `release()` is called. */
async function holdTransaction<T>(
  db: Kysely<DB>,
  work: (trx: Kysely<DB>) => Promise<T>,
): Promise<{ value: T; release: (outcome?: 'commit' | 'rollback') => Promise<void> }> {
  let finish!: (outcome: 'commit' | 'rollback') => void;
  const finished = new Promise<'commit' | 'rollback'>((resolve) => (finish = resolve));
  let ready!: (value: T) => void;
  let failed!: (error: unknown) => void;
  const started = new Promise<T>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const rolledBack = new Error('rolled back on purpose');
  const done = db
    .transaction()
    .execute(async (trx) => {
      const value = await work(trx);
      ready(value);
      if ((await finished) === 'rollback') throw rolledBack;
    })
    .catch((error: unknown) => {
      failed(error);
      if (error !== rolledBack) throw error;
    });
  // Marks `done` as handled when the work fails before release (`started` reports it).
  done.catch(() => undefined);
  const value = await started;
  return {
    value,
    release: async (outcome = 'commit') => {
      finish(outcome);
      await done;
    },
  };
}

/** Settles every promise, split into successes and failures. */
async function settle<T>(promises: readonly Promise<T>[]): Promise<{ ok: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    ok: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

describe('staff profile races on separate connections', () => {
  const testDb = useTestDatabase();
  const db = () => testDb.current.db;
  let world: StaffWorld;
  let verifierRoleId: string;
  let secondVerifierId: string;
  let opened: Kysely<DB>[] = [];

  /** A new pool of its own on the test database. */
  const connect = (applicationName: string, max = 1): Kysely<DB> => {
    const instance = createDatabase({ connectionString: testDb.current.connectionString, max, applicationName });
    opened.push(instance);
    return instance;
  };
  const actingAs = (instance: Kysely<DB>, actorUserId: string): Repositories =>
    createRepositories(instance, { actorUserId, requestId: `race-${actorUserId.slice(0, 8)}` });

  afterEach(async () => {
    const closing = opened;
    opened = [];
    await Promise.all(closing.map((instance) => instance.destroy()));
  });

  beforeAll(async () => {
    world = await aStaffWorld(db());
    verifierRoleId = await ensureVerifierRole(db());
    secondVerifierId = await aVerifier();
  });

  afterAll(async () => {
    await Promise.all(opened.map((instance) => instance.destroy()));
  });

  /** Another user of the organization holding profile:verify. */
  async function aVerifier(): Promise<string> {
    const { user } = await aUser(world.system, world.organizationId);
    await world.system.access.assignRole(user.id, verifierRoleId);
    return user.id;
  }

  /** `n` fresh applicants, each with a submitted (pending) profile. */
  async function pendingProfiles(n: number): Promise<Pending[]> {
    const pending: Pending[] = [];
    for (let i = 0; i < n; i += 1) {
      const { userId, repos } = await anotherApplicant(db(), world);
      const submitted = await repos.staffProfiles.submit(userId);
      expect(submitted.status).toBe('pending');
      pending.push({ userId, version: submitted.version });
    }
    return pending;
  }

  /** The staff_profile.verify audit rows of these profiles. */
  async function verifyAuditRows(userIds: readonly string[]) {
    const { rows } = await sql<{ entity_id: string; actor_user_id: string; before: { version: number }; after: { version: number; verifiedByUserId: string } }>`
      SELECT entity_id, actor_user_id, before, after FROM audit_logs
      WHERE action = 'staff_profile.verify' AND entity_type = 'staff_profile' AND entity_id = ANY(${[...userIds]}::uuid[])`.execute(
      db(),
    );
    return rows;
  }

  /** Locks the profile rows from a connection of its own until released. */
  async function holdProfiles(userIds: readonly string[]) {
    const holder = connect(`race-holder-${randomUUID().slice(0, 8)}`);
    return holdTransaction(holder, async (trx) => {
      const { rows } = await sql`SELECT user_id FROM user_staff_profiles WHERE user_id = ANY(${[...userIds]}::uuid[]) FOR UPDATE`.execute(
        trx,
      );
      expect(rows).toHaveLength(userIds.length);
    });
  }

  // The loser carried the version the winner replaced: a stale version, the same error class
  // in every aggregate, with the state it lost to.
  function expectConflict(error: unknown, status: string, version: number): void {
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ code: 'VERSION_CONFLICT', entity: 'staff_profile', currentStatus: status, currentVersion: version });
  }

  describe('two admins verify the same pending profile at the same moment', () => {
    it('exactly one succeeds, the other gets VersionConflictError, one audit row (10 races, released together)', async () => {
      const profiles = await pendingProfiles(10);
      const app = `race-admins-${randomUUID().slice(0, 8)}`;
      const first = actingAs(connect(app), world.verifierId);
      const second = actingAs(connect(app), secondVerifierId);
      const winners: string[] = [];
      for (const profile of profiles) {
        const hold = await holdProfiles([profile.userId]);
        // Settled from the start: the loser may reject while the hold's COMMIT is still on its
        // way back, before this test would otherwise attach a handler (an unhandled rejection).
        const attempts = settle([
          first.staffProfiles.verify(profile.userId, { expectedVersion: profile.version }),
          second.staffProfiles.verify(profile.userId, { expectedVersion: profile.version }),
        ]);
        // Both statements are queued on the same row before either may run.
        await waitForLockWaiters(db(), app, 2);
        await hold.release();
        const { ok, errors } = await attempts;
        expect(ok).toHaveLength(1);
        expect(errors).toHaveLength(1);
        const winner = ok[0]!;
        expect(winner).toMatchObject({ status: 'verified', version: profile.version + 1 });
        expect([world.verifierId, secondVerifierId]).toContain(winner.verifiedByUserId);
        winners.push(winner.verifiedByUserId!);
        expectConflict(errors[0], 'verified', profile.version + 1);

        const stored = await world.system.staffProfiles.getByUserId(profile.userId);
        expect(stored).toMatchObject({ status: 'verified', version: profile.version + 1, verifiedByUserId: winner.verifiedByUserId });
        const audit = await verifyAuditRows([profile.userId]);
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({
          actor_user_id: winner.verifiedByUserId,
          before: { version: profile.version },
          after: { version: profile.version + 1, verifiedByUserId: winner.verifiedByUserId },
        });
      }
      expect(winners).toHaveLength(10);
    });

    it('started in the same tick without a barrier: still exactly one winner per profile (10 races)', async () => {
      const profiles = await pendingProfiles(10);
      const first = actingAs(connect('race-free-a'), world.verifierId);
      const second = actingAs(connect('race-free-b'), secondVerifierId);
      for (const profile of profiles) {
        const { ok, errors } = await settle([
          first.staffProfiles.verify(profile.userId, { expectedVersion: profile.version }),
          second.staffProfiles.verify(profile.userId, { expectedVersion: profile.version }),
        ]);
        expect(ok).toHaveLength(1);
        expect(errors).toHaveLength(1);
        expectConflict(errors[0], 'verified', profile.version + 1);
      }
      expect(await verifyAuditRows(profiles.map((p) => p.userId))).toHaveLength(10);
    });
  });

  describe('an applicant edit racing an admin verify that carries the old version', () => {
    it('edit first (committed while the verify waits on the row): the verify fails and writes nothing', async () => {
      const [profile] = await pendingProfiles(1);
      const { userId, version } = profile!;
      const app = `race-edit-first-${randomUUID().slice(0, 8)}`;
      const admin = actingAs(connect(app), world.verifierId);

      const edit = await holdTransaction(connect('race-applicant'), (trx) =>
        actingAs(trx, userId).staffProfiles.edit(userId, { jobTitle: 'Changed under review' }),
      );
      expect(edit.value).toMatchObject({ status: 'pending', version: version + 1 });
      // The admin reviewed `version`; their verify is issued while the edit is not committed yet.
      const verifying = admin.staffProfiles.verify(userId, { expectedVersion: version }).then(
        () => undefined,
        (error: unknown) => error,
      );
      await waitForLockWaiters(db(), app, 1);
      await edit.release('commit');
      expectConflict(await verifying, 'pending', version + 1);

      const stored = await world.system.staffProfiles.getByUserId(userId);
      expect(stored).toMatchObject({
        status: 'pending',
        version: version + 1,
        jobTitle: 'Changed under review',
        verifiedAt: null,
        verifiedByUserId: null,
      });
      expect(await verifyAuditRows([userId])).toHaveLength(0);
      // The admin reviews the new version and verifies it.
      await expect(admin.staffProfiles.verify(userId, { expectedVersion: version + 1 })).resolves.toMatchObject({
        status: 'verified',
        version: version + 2,
      });
      expect(await verifyAuditRows([userId])).toHaveLength(1);
    });

    it('edit first but rolled back: the waiting verify then succeeds (it was blocked, not refused)', async () => {
      const [profile] = await pendingProfiles(1);
      const { userId, version } = profile!;
      const app = `race-edit-rollback-${randomUUID().slice(0, 8)}`;
      const admin = actingAs(connect(app), world.verifierId);
      const edit = await holdTransaction(connect('race-applicant'), (trx) =>
        actingAs(trx, userId).staffProfiles.edit(userId, { jobTitle: 'Never committed' }),
      );
      const verifying = admin.staffProfiles.verify(userId, { expectedVersion: version });
      // Observed below; this only keeps an early failure of the wait from leaving it unhandled.
      verifying.catch(() => undefined);
      await waitForLockWaiters(db(), app, 1);
      await edit.release('rollback');
      await expect(verifying).resolves.toMatchObject({ status: 'verified', version: version + 1, jobTitle: null });
      expect(await verifyAuditRows([userId])).toHaveLength(1);
    });

    it('verify first (committed while the edit waits): the edit lands on the verified row and sends it back to pending', async () => {
      const [profile] = await pendingProfiles(1);
      const { userId, version } = profile!;
      const app = `race-verify-first-${randomUUID().slice(0, 8)}`;
      const applicant = actingAs(connect(app), userId);

      const verify = await holdTransaction(connect('race-admin'), (trx) =>
        actingAs(trx, world.verifierId).staffProfiles.verify(userId, { expectedVersion: version }),
      );
      expect(verify.value).toMatchObject({ status: 'verified', version: version + 1 });
      const editing = applicant.staffProfiles.edit(userId, { jobTitle: 'Changed after review' });
      editing.catch(() => undefined);
      await waitForLockWaiters(db(), app, 1);
      await verify.release('commit');
      const edited: StaffProfile = await editing;
      // No lost update: the edit applied on top of the committed verification and cleared it.
      expect(edited).toMatchObject({
        status: 'pending',
        version: version + 2,
        jobTitle: 'Changed after review',
        verifiedAt: null,
        verifiedByUserId: null,
        verificationExpiresAt: null,
      });
      expect(edited.verificationSubmittedAt!.getTime()).toBeGreaterThanOrEqual(verify.value.verificationSubmittedAt!.getTime());

      const history = await world.system.audit.pageEntityHistory('staff_profile', userId);
      const actions = history.items.map((e) => e.action);
      expect(actions.slice(-2)).toEqual(['staff_profile.verify', 'staff_profile.edit']);
      expect(history.items.at(-1)!.before).toMatchObject({ status: 'verified', version: version + 1 });
      // Whatever version the admin holds now, a second verify of the edited profile is refused
      // unless it names the current version.
      const admin = actingAs(connect('race-admin-again'), world.verifierId);
      for (const stale of [version, version + 1]) {
        expectConflict(
          await admin.staffProfiles.verify(userId, { expectedVersion: stale }).catch((e: unknown) => e),
          'pending',
          version + 2,
        );
      }
      expect(await verifyAuditRows([userId])).toHaveLength(1);
    });
  });

  describe('50 concurrent verify attempts over 10 pending profiles', () => {
    it('exactly 10 succeed, 40 get VersionConflictError, exactly 10 verify audit rows', async () => {
      const profiles = await pendingProfiles(10);
      const verifiers = [world.verifierId, secondVerifierId, await aVerifier(), await aVerifier(), await aVerifier()];
      const app = `race-fifty-${randomUUID().slice(0, 8)}`;
      // Five verifiers, each on a pool of two connections of its own: ten connections.
      const admins = verifiers.map((id) => actingAs(connect(app, 2), id));
      const attempts = profiles.flatMap((profile) =>
        admins.map((admin, index) => ({ profile, admin, verifierId: verifiers[index]! })),
      );
      // A fixed but scrambled order, so attempts on one profile do not queue back to back.
      attempts.sort((a, b) => (a.profile.userId + a.verifierId).localeCompare(b.profile.userId + b.verifierId));
      expect(attempts).toHaveLength(50);

      const hold = await holdProfiles(profiles.map((p) => p.userId));
      const running = attempts.map(({ profile, admin }) =>
        admin.staffProfiles.verify(profile.userId, { expectedVersion: profile.version }),
      );
      // Settled from the start: an attempt that fails while the hold is being released is not
      // an unhandled rejection.
      const settling = settle(running);
      // Every connection is busy and blocked before any attempt can run.
      await waitForLockWaiters(db(), app, 10);
      await hold.release();
      const { ok, errors } = await settling;

      expect(ok).toHaveLength(10);
      expect(errors).toHaveLength(40);
      for (const error of errors) expect(error).toBeInstanceOf(VersionConflictError);
      expect(new Set(ok.map((p) => p.userId)).size).toBe(10);
      for (const profile of profiles) {
        const winner = ok.find((p) => p.userId === profile.userId)!;
        expect(winner).toMatchObject({ status: 'verified', version: profile.version + 1 });
        expect(verifiers).toContain(winner.verifiedByUserId);
      }
      for (const error of errors) {
        const conflict = error as VersionConflictError;
        expect(conflict.currentStatus).toBe('verified');
      }

      const audit = await verifyAuditRows(profiles.map((p) => p.userId));
      expect(audit).toHaveLength(10);
      expect(new Set(audit.map((row) => row.entity_id)).size).toBe(10);
      for (const row of audit) {
        const winner = ok.find((p) => p.userId === row.entity_id)!;
        expect(row.actor_user_id).toBe(winner.verifiedByUserId);
        expect(row.after.verifiedByUserId).toBe(winner.verifiedByUserId);
      }
      const { rows } = await sql<{ status: string; n: number }>`
        SELECT profile_verification_status AS status, count(*)::int AS n FROM user_staff_profiles
        WHERE user_id = ANY(${profiles.map((p) => p.userId)}::uuid[]) GROUP BY 1`.execute(db());
      expect(rows).toEqual([{ status: 'verified', n: 10 }]);
    });
  });
});
