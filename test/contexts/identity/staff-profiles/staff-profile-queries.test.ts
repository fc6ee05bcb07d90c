import { CompiledQuery, Kysely, PostgresDialect, sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../../../src/core/database/create-database.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createRepositories } from '../../../../src/repositories.js';
import type { Page } from '../../../../src/core/kernel/page.js';
import type { StaffProfile } from '../../../../src/contexts/identity/staff-profiles/staff-profile.js';
import type { DB } from '../../../../src/schema/db.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { unique } from '../../../helpers/fixtures.js';
import { aStaffWorld, anotherApplicant, type StaffWorld } from '../../../helpers/staff.js';

// The admin read side of staff profiles: the pending queue (keyset-paginated, ties on
// submitted_at broken by user_id, filterable by unit, scoped to the organization, served by
// the partial index), what a verifier verified, expiring verifications, lookup by employee id.

/** Walks every page of a list; fails on an endless walk. */
async function allPages(fetch: (after: string | null) => Promise<Page<StaffProfile>>, limit: number) {
  const items: StaffProfile[] = [];
  const sizes: number[] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages += 1) {
    if (pages > 200) throw new Error('pagination does not end');
    const page: Page<StaffProfile> = await fetch(after);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    sizes.push(page.items.length);
    if (page.nextCursor === null) break;
    expect(page.items).toHaveLength(limit);
    after = page.nextCursor;
  }
  return { ids: items.map((p) => p.userId), items, sizes };
}

/** user_ids from raw SQL, the oracle for the expected order. */
async function idsOf(db: Kysely<DB>, query: RawBuilder<unknown>): Promise<string[]> {
  const { rows } = await query.execute(db);
  return (rows as { user_id: string }[]).map((r) => r.user_id);
}

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function planNodes(plan: Record<string, unknown>): Record<string, unknown>[] {
  const children = (plan['Plans'] as Record<string, unknown>[] | undefined) ?? [];
  return [plan, ...children.flatMap(planNodes)];
}

/** Applicants of the world, each with a repository acting as them; optionally in a unit. */
async function applicants(db: Kysely<DB>, world: StaffWorld, n: number, unitId?: string) {
  const made = [];
  for (let i = 0; i < n; i += 1) {
    const applicant = await anotherApplicant(db, world);
    if (unitId) await applicant.repos.staffProfiles.edit(applicant.userId, { unitId });
    made.push(applicant);
  }
  return made;
}

/** Submits each applicant's profile inside ONE transaction: they share submitted_at = now(). */
async function submitTogether(db: Kysely<DB>, userIds: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const userId of userIds) await createRepositories(trx, { actorUserId: userId }).staffProfiles.submit(userId);
  });
}

describe('staff profile queries', () => {
  const testDb = useTestDatabase();
  const db = () => testDb.current.db;

  describe('the pending queue', () => {
    let world: StaffWorld;
    let unitA: string;
    let unitB: string;
    let otherWorld: StaffWorld;
    const expectedQueue = (organizationId: string, unitId?: string) =>
      idsOf(
        db(),
        sql`SELECT user_id FROM user_staff_profiles
          WHERE organization_id = ${organizationId}::uuid AND profile_verification_status = 'pending'
            AND (${unitId ?? null}::uuid IS NULL OR unit_id = ${unitId ?? null}::uuid)
          ORDER BY verification_submitted_at, user_id`,
      );

    beforeAll(async () => {
      world = await aStaffWorld(db());
      unitA = (await world.system.units.create({ organizationId: world.organizationId, code: `A-${unique()}`, name: 'Unit A' })).id;
      unitB = (await world.system.units.create({ organizationId: world.organizationId, code: `B-${unique()}`, name: 'Unit B' })).id;
      const inA = await applicants(db(), world, 6, unitA);
      const inB = await applicants(db(), world, 5, unitB);
      const noUnit = await applicants(db(), world, 4);
      // One by one (distinct submitted_at).
      for (const a of [inA[0]!, inB[0]!, noUnit[0]!, inA[1]!]) await a.repos.staffProfiles.submit(a.userId);
      // Five in one transaction: identical submitted_at (the transaction's now()).
      await submitTogether(db(), [inA[2]!, inA[3]!, inB[1]!, inB[2]!, noUnit[1]!].map((a) => a.userId));
      // Four more, then given one identical, older, microsecond timestamp by raw SQL in one transaction.
      const tied = [inA[4]!, inB[3]!, noUnit[2]!, inB[4]!];
      for (const a of tied) await a.repos.staffProfiles.submit(a.userId);
      await db()
        .transaction()
        .execute(async (trx) => {
          for (const a of tied) {
            await sql`UPDATE user_staff_profiles SET verification_submitted_at = '2026-01-02 03:04:05.123456+00'
              WHERE user_id = ${a.userId}::uuid`.execute(trx);
          }
        });
      // Not pending: a draft (inA[5], noUnit[3]), a verified and a rejected one.
      const verified = (await applicants(db(), world, 1, unitA))[0]!;
      const v = await verified.repos.staffProfiles.submit(verified.userId);
      await world.asVerifier.staffProfiles.verify(verified.userId, { expectedVersion: v.version });
      const rejected = (await applicants(db(), world, 1, unitA))[0]!;
      const r = await rejected.repos.staffProfiles.submit(rejected.userId);
      await world.asVerifier.staffProfiles.reject(rejected.userId, { expectedVersion: r.version, reason: 'Incomplete' });
      // Another organization's pending profiles, some submitted in the same transaction as ours would be.
      otherWorld = await aStaffWorld(db());
      const others = await applicants(db(), otherWorld, 3);
      await submitTogether(db(), others.map((a) => a.userId));
    });

    it('has the ties it claims to test', async () => {
      const { rows } = await sql<{ n: number; distinct_times: number }>`
        SELECT count(*)::int AS n, count(DISTINCT verification_submitted_at)::int AS distinct_times
        FROM user_staff_profiles WHERE organization_id = ${world.organizationId}::uuid AND profile_verification_status = 'pending'`.execute(
        db(),
      );
      expect(rows[0]).toEqual({ n: 13, distinct_times: 6 });
    });

    it.each([1, 2, 3, 5, 13, 50])('pages through the queue by submitted_at then user_id, no gaps or duplicates (limit %i)', async (limit) => {
      const expected = await expectedQueue(world.organizationId);
      expect(expected).toHaveLength(13);
      const { ids, items, sizes } = await allPages(
        (after) => world.asVerifier.staffProfileQueries.pagePendingQueue(world.organizationId, { limit, after }),
        limit,
      );
      expect(ids).toEqual(expected);
      expect(new Set(ids).size).toBe(ids.length);
      expect(sizes).toHaveLength(Math.ceil(13 / limit));
      for (const item of items) expect(item).toMatchObject({ status: 'pending', organizationId: world.organizationId });
      // The oldest (raw-SQL) tie group comes first, ordered by user_id.
      const first = items.slice(0, 4);
      expect(first.every((p) => p.verificationSubmittedAt!.getTime() === Date.parse('2026-01-02T03:04:05.123Z'))).toBe(true);
      expect(first.map((p) => p.userId)).toEqual(first.map((p) => p.userId).sort());
    });

    it('a page boundary inside a tie group neither repeats nor skips a profile', async () => {
      // Limit 2 cuts the 4-way raw-SQL tie in the middle; limit 6 cuts the 5-way transaction tie.
      for (const limit of [2, 6, 7]) {
        const { ids } = await allPages(
          (after) => world.asVerifier.staffProfileQueries.pagePendingQueue(world.organizationId, { limit, after }),
          limit,
        );
        expect(ids).toEqual(await expectedQueue(world.organizationId));
      }
    });

    it('the order comes from the ORDER BY, not from the plan: same pages with index scans disabled', async () => {
      // The partial index happens to return ties in user_id order. Disabling index scans in
      // this transaction (SET LOCAL) makes PostgreSQL sort the heap rows instead, so only an
      // explicit user_id tie-break keeps the pages in the keyset order.
      const expected = await expectedQueue(world.organizationId);
      await db()
        .transaction()
        .execute(async (trx) => {
          await sql`SET LOCAL enable_indexscan = off`.execute(trx);
          await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
          await sql`SET LOCAL enable_indexonlyscan = off`.execute(trx);
          const queries = createRepositories(trx).staffProfileQueries;
          for (const limit of [2, 3, 6]) {
            const { ids } = await allPages((after) => queries.pagePendingQueue(world.organizationId, { limit, after }), limit);
            expect(ids).toEqual(expected);
          }
        });
    });

    it('filters by unit', async () => {
      for (const unitId of [unitA, unitB]) {
        const expected = await expectedQueue(world.organizationId, unitId);
        expect(expected.length).toBeGreaterThanOrEqual(4);
        const { ids, items } = await allPages(
          (after) => world.asVerifier.staffProfileQueries.pagePendingQueue(world.organizationId, { unitId, limit: 2, after }),
          2,
        );
        expect(ids).toEqual(expected);
        for (const item of items) expect(item.unitId).toBe(unitId);
      }
      expect(await expectedQueue(world.organizationId, unitA)).toHaveLength(5);
      expect(await expectedQueue(world.organizationId, unitB)).toHaveLength(5);
      const otherUnit = await otherWorld.system.units.create({ organizationId: otherWorld.organizationId, code: 'X', name: 'X' });
      const none = await world.asVerifier.staffProfileQueries.pagePendingQueue(world.organizationId, { unitId: otherUnit.id });
      expect(none).toEqual({ items: [], nextCursor: null });
    });

    it('is scoped to the organization', async () => {
      const ours = await world.asVerifier.staffProfileQueries.pagePendingQueue(world.organizationId, { limit: 500 });
      const theirs = await otherWorld.asVerifier.staffProfileQueries.pagePendingQueue(otherWorld.organizationId, { limit: 500 });
      expect(ours.items).toHaveLength(13);
      expect(theirs.items).toHaveLength(3);
      expect(ours.items.some((p) => p.organizationId !== world.organizationId)).toBe(false);
      expect(theirs.items.some((p) => p.organizationId !== otherWorld.organizationId)).toBe(false);
      // A cursor from one organization's queue does not leak the other's rows.
      const page = await world.asVerifier.staffProfileQueries.pagePendingQueue(world.organizationId, { limit: 1 });
      const leaked = await otherWorld.asVerifier.staffProfileQueries.pagePendingQueue(otherWorld.organizationId, {
        limit: 500,
        after: page.nextCursor,
      });
      expect(leaked.items.every((p) => p.organizationId === otherWorld.organizationId)).toBe(true);
    });

    it('leaves out profiles that stop being pending or whose user is deleted; newly submitted ones join at the end', async () => {
      const expectedBefore = await expectedQueue(world.organizationId);
      const firstPage = await world.asVerifier.staffProfileQueries.pagePendingQueue(world.organizationId, { limit: 5 });
      expect(firstPage.items.map((p) => p.userId)).toEqual(expectedBefore.slice(0, 5));
      const verifyNow = async (userId: string) => {
        const current = await world.system.staffProfiles.getByUserId(userId);
        await world.asVerifier.staffProfiles.verify(userId, { expectedVersion: current.version });
      };
      // The row the cursor points at leaves the queue: the cursor still works (it is a position).
      await verifyNow(firstPage.items[4]!.userId);
      // A profile further down is verified, another's user is deleted, a new one is submitted.
      const laterVerified = expectedBefore[7]!;
      await verifyNow(laterVerified);
      const victim = expectedBefore[10]!;
      await world.system.users.softDelete(victim);
      const [late] = await applicants(db(), world, 1);
      await late!.repos.staffProfiles.submit(late!.userId);

      const rest = await allPages(
        (after) =>
          world.asVerifier.staffProfileQueries.pagePendingQueue(world.organizationId, {
            limit: 5,
            after: after ?? firstPage.nextCursor,
          }),
        5,
      );
      expect(rest.ids).toEqual([
        ...expectedBefore.slice(5).filter((id) => id !== laterVerified && id !== victim),
        late!.userId,
      ]);
    });

    it('rejects malformed cursors and bad ids with ValidationError', async () => {
      const queries = world.asVerifier.staffProfileQueries;
      for (const after of ['garbage', Buffer.from('["only-one"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
        await expect(queries.pagePendingQueue(world.organizationId, { after })).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(queries.pagePendingQueue('nope')).rejects.toBeInstanceOf(ValidationError);
      await expect(queries.pagePendingQueue(world.organizationId, { unitId: 'nope' })).rejects.toBeInstanceOf(ValidationError);
      await expect(queries.pagePendingQueue(world.organizationId, { limit: 501 })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('EXPLAIN of the pending queue', () => {
    let logging: Kysely<DB>;
    let captured: CompiledQuery[] = [];
    let organizationId: string;

    beforeAll(async () => {
      const world = await aStaffWorld(db());
      organizationId = world.organizationId;
      const other = await aStaffWorld(db());
      // A few thousand drafts and a few hundred pending profiles over two organizations.
      for (const org of [world.organizationId, other.organizationId]) {
        const tag = unique();
        await sql`
          WITH u AS (
            INSERT INTO users (organization_id, auth_subject, email)
            SELECT ${org}::uuid, 'bulk|' || ${tag} || '|' || g, 'bulk' || g || '.' || ${tag} || '@example.com'
            FROM generate_series(1, 2000) AS g
            RETURNING id, organization_id)
          INSERT INTO user_staff_profiles (user_id, organization_id) SELECT id, organization_id FROM u`.execute(db());
        await sql`
          UPDATE user_staff_profiles SET profile_verification_status = 'pending',
            verification_submitted_at = now() - make_interval(mins => (random() * 100000)::int)
          WHERE user_id IN (
            SELECT user_id FROM user_staff_profiles WHERE organization_id = ${org}::uuid AND profile_verification_status = 'draft'
            ORDER BY user_id LIMIT 200)`.execute(db());
      }
      await sql`ANALYZE users`.execute(db());
      await sql`ANALYZE user_staff_profiles`.execute(db());
      logging = new Kysely<DB>({
        dialect: new PostgresDialect({ pool: createPool({ connectionString: testDb.current.connectionString, max: 1 }) }),
        log: (event) => {
          if (event.level === 'query') captured.push(event.query);
        },
      });
    });
    afterAll(async () => {
      await logging?.destroy();
    });

    /** Runs the queue query through the repository and EXPLAINs exactly the SQL it sent. */
    async function explainQueue(after: string | null) {
      captured = [];
      const page = await createRepositories(logging).staffProfileQueries.pagePendingQueue(organizationId, { limit: 50, after });
      expect(captured).toHaveLength(1);
      const query = captured[0]!;
      const { rows } = await logging.executeQuery<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(
        CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]),
      );
      const nodes = planNodes(rows[0]!['QUERY PLAN'][0].Plan);
      return { page, nodes };
    }

    it('page 1 and a later page both read user_staff_profiles_pending_queue_idx; page 1 needs no sort', async () => {
      const first = await explainQueue(null);
      expect(first.page.items).toHaveLength(50);
      const second = await explainQueue(first.page.nextCursor);
      expect(second.page.items).toHaveLength(50);
      const profileIndexes = new Set(
        (
          await sql<{ name: string }>`SELECT indexrelid::regclass::text AS name FROM pg_index
            WHERE indrelid = 'user_staff_profiles'::regclass`.execute(db())
        ).rows.map((r) => r.name),
      );
      for (const { nodes } of [first, second]) {
        // user_staff_profiles is read through the partial index only: an Index Scan on it, or
        // (PostgreSQL 15 misjudges the row comparison of a later page) a Bitmap Index Scan on it.
        expect(nodes.some((n) => n['Relation Name'] === 'user_staff_profiles' && n['Node Type'] === 'Seq Scan')).toBe(false);
        const used = nodes.flatMap((n) =>
          typeof n['Index Name'] === 'string' && profileIndexes.has(n['Index Name']) ? [n['Index Name']] : [],
        );
        expect(used).toEqual(['user_staff_profiles_pending_queue_idx']);
      }
      // Page 1: the index order is the queue order, read straight off the index.
      expect(first.nodes.some((n) => n['Node Type'] === 'Sort')).toBe(false);
      expect(first.nodes.find((n) => n['Relation Name'] === 'user_staff_profiles')).toMatchObject({
        'Node Type': 'Index Scan',
        'Index Name': 'user_staff_profiles_pending_queue_idx',
      });
      // The keyset position is an index condition, not a filter over rows read and thrown away.
      const keyset = second.nodes.find((n) => n['Index Name'] === 'user_staff_profiles_pending_queue_idx')!;
      expect(String(keyset['Index Cond'])).toMatch(/ROW\(verification_submitted_at, user_id\) >/);
      // The second page continues the first.
      const ids = [...first.page.items, ...second.page.items].map((p) => p.userId);
      expect(new Set(ids).size).toBe(100);
    });
  });

  describe('listVerifiedBy', () => {
    let world: StaffWorld;
    let verified: string[];

    beforeAll(async () => {
      world = await aStaffWorld(db(), { verification: { validityDays: 30 } });
      const people = await applicants(db(), world, 7);
      verified = [];
      for (const person of people) {
        const submitted = await person.repos.staffProfiles.submit(person.userId);
        await world.asVerifier.staffProfiles.verify(person.userId, { expectedVersion: submitted.version });
        verified.push(person.userId);
      }
      // Three of them share one verified_at (raw SQL, one transaction).
      await db()
        .transaction()
        .execute(async (trx) => {
          for (const userId of verified.slice(1, 4)) {
            await sql`UPDATE user_staff_profiles SET verified_at = '2026-10-10 10:10:10.101010+00',
              verification_expires_at = '2026-11-09 10:10:10.101010+00' WHERE user_id = ${userId}::uuid`.execute(trx);
          }
        });
      // Verified by someone else: not in the list.
      const other = await aStaffWorld(db());
      const stranger = (await applicants(db(), other, 1))[0]!;
      const s = await stranger.repos.staffProfiles.submit(stranger.userId);
      await other.asVerifier.staffProfiles.verify(stranger.userId, { expectedVersion: s.version });
    });

    const expectedVerifiedBy = (verifierId: string) =>
      idsOf(
        db(),
        sql`SELECT user_id FROM user_staff_profiles WHERE verified_by_user_id = ${verifierId}::uuid
          ORDER BY verified_at DESC, user_id DESC`,
      );

    it('lists newest first (user_id desc on ties), page by page', async () => {
      const expected = await expectedVerifiedBy(world.verifierId);
      expect([...expected].sort()).toEqual([...verified].sort());
      for (const limit of [1, 2, 3, 7, 50]) {
        const { ids, items } = await allPages(
          (after) => world.system.staffProfileQueries.pageVerifiedBy(world.verifierId, { limit, after }),
          limit,
        );
        expect(ids).toEqual(expected);
        for (const item of items) expect(item).toMatchObject({ status: 'verified', verifiedByUserId: world.verifierId });
        for (let i = 1; i < items.length; i += 1) {
          expect(items[i]!.verifiedAt!.getTime()).toBeLessThanOrEqual(items[i - 1]!.verifiedAt!.getTime());
        }
      }
      // The newest is the last one verified through the repository.
      expect(expected[0]).toBe(verified.at(-1));
      // The raw-SQL tie is last (oldest), in descending user_id order.
      const tied = expected.slice(-3);
      expect([...tied].sort()).toEqual([...verified.slice(1, 4)].sort());
      expect(tied).toEqual([...tied].sort().reverse());
    });

    it('drops a profile that is edited back to pending', async () => {
      const userId = verified[0]!;
      await createRepositories(db(), { actorUserId: userId }).staffProfiles.edit(userId, { jobTitle: 'Moved on' });
      const { ids } = await allPages(
        (after) => world.system.staffProfileQueries.pageVerifiedBy(world.verifierId, { limit: 2, after }),
        2,
      );
      expect(ids).not.toContain(userId);
      expect(ids).toHaveLength(6);
    });

    it('is empty for someone who verified nothing, and validates its input', async () => {
      expect(await world.system.staffProfileQueries.pageVerifiedBy(world.applicantId)).toEqual({ items: [], nextCursor: null });
      await expect(world.system.staffProfileQueries.pageVerifiedBy('x')).rejects.toBeInstanceOf(ValidationError);
      await expect(
        world.system.staffProfileQueries.pageVerifiedBy(world.verifierId, { after: 'not-a-cursor' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('listExpiringBefore', () => {
    let world: StaffWorld;
    let other: StaffWorld;
    const expiries = [
      '2027-01-10 00:00:00+00',
      '2027-01-10 00:00:00+00',
      '2027-01-10 00:00:00+00',
      '2027-01-20 12:00:00.5+00',
      '2027-02-14 23:59:59.999999+00',
      '2027-02-15 00:00:00+00', // exactly the cut-off: not before it
      '2027-06-01 00:00:00+00',
    ];
    let byExpiry: Map<string, string>;

    beforeAll(async () => {
      world = await aStaffWorld(db(), { verification: { validityDays: 365 } });
      other = await aStaffWorld(db(), { verification: { validityDays: 365 } });
      byExpiry = new Map();
      const verifyAll = async (w: StaffWorld, dates: readonly string[]) => {
        for (const date of dates) {
          const [person] = await applicants(db(), w, 1);
          const submitted = await person!.repos.staffProfiles.submit(person!.userId);
          await w.asVerifier.staffProfiles.verify(person!.userId, { expectedVersion: submitted.version });
          await sql`UPDATE user_staff_profiles SET verification_expires_at = ${date}::timestamptz
            WHERE user_id = ${person!.userId}::uuid`.execute(db());
          byExpiry.set(person!.userId, date);
        }
      };
      await verifyAll(world, expiries);
      await verifyAll(other, ['2027-01-05 00:00:00+00', '2027-03-01 00:00:00+00']);
    });

    const cutoff = new Date('2027-02-15T00:00:00Z');
    const expected = (organizationId: string | null) =>
      idsOf(
        db(),
        sql`SELECT p.user_id FROM user_staff_profiles p JOIN users u ON u.id = p.user_id
          WHERE u.deleted_at IS NULL AND p.verification_expires_at < ${cutoff}
            AND (${organizationId}::uuid IS NULL OR p.organization_id = ${organizationId}::uuid)
          ORDER BY p.verification_expires_at, p.user_id`,
      );

    it('lists the organization’s verifications expiring before the date, soonest first, page by page', async () => {
      const want = await expected(world.organizationId);
      expect(want).toHaveLength(5);
      for (const limit of [1, 2, 4, 50]) {
        const { ids, items } = await allPages(
          (after) =>
            world.system.staffProfileQueries.pageExpiringBefore(cutoff, { organizationId: world.organizationId, limit, after }),
          limit,
        );
        expect(ids).toEqual(want);
        for (const item of items) {
          expect(item.organizationId).toBe(world.organizationId);
          expect(item.verificationExpiresAt!.getTime()).toBeLessThan(cutoff.getTime());
        }
      }
      const tie = want.slice(0, 3);
      expect(tie).toEqual([...tie].sort());
      for (const id of tie) expect(byExpiry.get(id)).toBe('2027-01-10 00:00:00+00');
    });

    it('without an organization, every organization’s are listed', async () => {
      const want = await expected(null);
      const { ids } = await allPages((after) => world.system.staffProfileQueries.pageExpiringBefore(cutoff, { limit: 3, after }), 3);
      expect(ids).toEqual(want);
      const otherSoon = [...byExpiry].find(([, date]) => date === '2027-01-05 00:00:00+00')![0];
      expect(ids).toContain(otherSoon);
      for (const id of await expected(world.organizationId)) expect(ids).toContain(id);
      const filtered = await world.system.staffProfileQueries.pageExpiringBefore(cutoff, { organizationId: world.organizationId });
      expect(filtered.items.map((p) => p.userId)).not.toContain(otherSoon);
    });

    it('validates the date', async () => {
      await expect(world.system.staffProfileQueries.pageExpiringBefore(new Date('nope'))).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('findByEmployeeId', () => {
    it('finds the live profile with the employee id, across organizations; not a deleted user’s', async () => {
      const world = await aStaffWorld(db());
      const employeeId = `EMP-${unique().toUpperCase()}`;
      const edited = await world.asApplicant.staffProfiles.edit(world.applicantId, { employeeId });
      const other = await aStaffWorld(db());
      expect(await other.system.staffProfiles.findByEmployeeId(employeeId)).toEqual(edited);
      expect(await world.system.staffProfiles.findByEmployeeId(`EMP-${unique().toUpperCase()}`)).toBeUndefined();
      await expect(world.system.staffProfiles.findByEmployeeId(employeeId.toLowerCase())).rejects.toBeInstanceOf(ValidationError);
      await world.system.users.softDelete(world.applicantId);
      expect(await world.system.staffProfiles.findByEmployeeId(employeeId)).toBeUndefined();
    });
  });
});

describe('pending queue cursors', () => {
  const testDb = useTestDatabase();

  it('a well-formed cursor holding garbage is a ValidationError, before any SQL', async () => {
    const repos = createRepositories(testDb.current.db);
    const garbage = Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url');
    await expect(
      repos.staffProfileQueries.pagePendingQueue('00000000-0000-0000-0000-000000000000', { after: garbage }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
