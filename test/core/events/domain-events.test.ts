// Domain events are written by the statement (or the writeAudit call) that records the change,
// with one outbox message each: exactly one per emitting mutation, none when the change is
// refused or rolled back, payloads valid under their exported schemas.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, unitOfWork } from '../../../src/repositories.js';
import { EVENT_TYPES, eventPayloadSchema } from '../../../src/contexts/events/event-catalog.js';
import { domainEventPartitions } from '../../../src/core/events/event-partitions.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { checkHealth } from '../../../src/core/health/check-health.js';
import type { DB } from '../../../src/schema/db.js';
import { anOrganization, aUser, unique } from '../../helpers/fixtures.js';
import { aClient, aDocument, anObject } from '../../helpers/documents.js';
import { aWorld, type World } from '../../helpers/world.js';
import { useTestDatabase } from '../../helpers/database.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';

interface EventRow {
  id: string;
  organization_id: string;
  event_type_code: string;
  payload_version: number;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number | null;
  payload: Record<string, unknown>;
  actor_user_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  request_id: string | null;
  queued: boolean;
}

/** The events of an aggregate, oldest first, each with whether its outbox message is queued. */
async function eventsOf(db: Kysely<DB>, aggregateId: string): Promise<EventRow[]> {
  const { rows } = await sql<EventRow>`
    SELECT e.*, EXISTS (SELECT 1 FROM outbox_messages m WHERE m.event_id = e.id AND m.organization_id = e.organization_id
                        AND m.event_created_at = e.created_at) AS queued
    FROM domain_events e WHERE e.aggregate_id = ${aggregateId} ORDER BY e.created_at, e.id`.execute(db);
  return rows;
}

/** Asserts the payload parses under the schema of its type and version, unchanged. */
function expectValidPayload(event: EventRow): void {
  const schema = eventPayloadSchema(event.event_type_code, event.payload_version);
  expect(schema.parse(event.payload)).toEqual(event.payload);
}

describe('domain events emitted with the change', () => {
  const testDb = useTestDatabase();
  let world: World;
  beforeAll(async () => {
    world = await aWorld(testDb.current.db);
  });

  it('event_types holds exactly the catalogue: codes, descriptions and payload versions', async () => {
    const { rows } = await sql<{ code: string; description: string; payload_version: number }>`
      SELECT code, description, payload_version FROM event_types ORDER BY code COLLATE "C"`.execute(testDb.current.db);
    // Byte order on both sides ("C" in SQL, code units in JS): collations and localeCompare order
    // 'workflow.' and 'workflow_execution.' differently.
    const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
    expect(rows).toEqual(
      EVENT_TYPES.map((t) => ({ code: t.code, description: t.description, payload_version: t.version })).sort(byCode),
    );
  });

  it('users.register emits user.registered with the audit context, queued in the outbox', async () => {
    const repos = createRepositories(testDb.current.db, {
      actorUserId: world.verifierId,
      requestId: 'req-register',
      correlationId: 'corr-1',
      causationId: '6f1c3f0e-8a4b-4c55-9d43-6a3c1c9b7f10',
    });
    const { user } = await aUser(repos, world.organizationId);
    const events = await eventsOf(testDb.current.db, user.id);
    expect(events).toEqual([
      expect.objectContaining({
        organization_id: world.organizationId,
        event_type_code: 'user.registered',
        payload_version: 1,
        aggregate_type: 'user',
        aggregate_version: null,
        payload: { userId: user.id, organizationId: world.organizationId, email: user.email, roles: ['user'] },
        actor_user_id: world.verifierId,
        correlation_id: 'corr-1',
        causation_id: '6f1c3f0e-8a4b-4c55-9d43-6a3c1c9b7f10',
        request_id: 'req-register',
        queued: true,
      }),
    ]);
    expectValidPayload(events[0]!);
  });

  it('checkHealth reports the outbox: depth and oldest message age, a warning when it is older than allowed', async () => {
    await aUser(world.system, world.organizationId);
    const fresh = await checkHealth(testDb.current.db);
    expect(fresh.eventQueue).toMatchObject({ status: 'pass', deadDeliveries: 0, problem: undefined });
    expect(fresh.eventQueue.outboxDepth).toBeGreaterThanOrEqual(1);
    expect(fresh.eventQueue.oldestMessageSeconds).toBeGreaterThanOrEqual(0);
    const strict = await checkHealth(testDb.current.db, { maxOutboxAgeSeconds: 0 });
    expect(strict.eventQueue.status).toBe('warn');
    expect(strict.ok).toBe(true);
  });

  it('a registration refused (no such organization) writes no event', async () => {
    const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM domain_events`.execute(testDb.current.db)).rows[0]!.n;
    await expect(aUser(world.system, randomUUID())).rejects.toThrow();
    const after = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM domain_events`.execute(testDb.current.db)).rows[0]!.n;
    expect(after).toBe(before);
  });

  it('submit, reject, resubmit and verify each emit their event; edit within a state and refusals emit none', async () => {
    const db = testDb.current.db;
    const { user } = await aUser(world.system, world.organizationId);
    const applicant = createRepositories(db, { actorUserId: user.id });
    const profileEvents = async () => (await eventsOf(db, user.id)).filter((e) => e.aggregate_type === 'staff_profile');
    await applicant.staffProfiles.edit(user.id, { jobTitle: 'Lecturer' });
    expect(await profileEvents()).toEqual([]);
    const submitted = await applicant.staffProfiles.submit(user.id);
    // Refused: the applicant may not verify their own profile.
    await expect(applicant.staffProfiles.verify(user.id, { expectedVersion: submitted.version })).rejects.toThrow();
    const rejected = await world.asVerifier.staffProfiles.reject(user.id, { expectedVersion: submitted.version, reason: 'Missing diploma' });
    const resubmitted = await applicant.staffProfiles.submit(user.id);
    // Refused: a stale version.
    await expect(world.asVerifier.staffProfiles.verify(user.id, { expectedVersion: rejected.version })).rejects.toThrow();
    const verified = await world.asVerifier.staffProfiles.verify(user.id, { expectedVersion: resubmitted.version });
    // An edit of a verified profile sends it back to pending: a submission.
    const reopened = await applicant.staffProfiles.edit(user.id, { jobTitle: 'Senior Lecturer' });

    const events = await profileEvents();
    expect(events.map((e) => [e.event_type_code, e.aggregate_version, e.actor_user_id])).toEqual([
      ['staff_profile.submitted', submitted.version, user.id],
      ['staff_profile.rejected', rejected.version, world.verifierId],
      ['staff_profile.submitted', resubmitted.version, user.id],
      ['staff_profile.verified', verified.version, world.verifierId],
      ['staff_profile.submitted', reopened.version, user.id],
    ]);
    for (const event of events) {
      expectValidPayload(event);
      expect(event.queued).toBe(true);
    }
    expect(events[1]!.payload).toEqual({
      userId: user.id,
      organizationId: world.organizationId,
      version: rejected.version,
      rejectedByUserId: world.verifierId,
      reason: 'Missing diploma',
    });
    expect(events[3]!.payload).toEqual({
      userId: user.id,
      organizationId: world.organizationId,
      version: verified.version,
      verifiedByUserId: world.verifierId,
      verifiedAt: verified.verifiedAt!.toISOString(),
      expiresAt: verified.verificationExpiresAt?.toISOString() ?? null,
    });
    expect(events[0]!.payload).toMatchObject({ submittedAt: submitted.verificationSubmittedAt!.toISOString() });
  });

  it('documents.create, addVersion and softDelete emit their events; restore emits none', async () => {
    const db = testDb.current.db;
    const client = await aClient(world.asVerifier, world.organizationId);
    const { document, version } = await aDocument(world.asVerifier, client.id);
    const second = await world.asVerifier.documents.addVersion(document.id, { expectedVersion: 1, ...anObject() });
    await world.asVerifier.documents.softDelete(document.id);
    const restored = await world.asVerifier.documents.restore(document.id);
    const events = await eventsOf(db, document.id);
    expect(events.map((e) => [e.event_type_code, e.aggregate_version])).toEqual([
      ['document.created', 1],
      ['document.version_added', 2],
      ['document.deleted', 2],
    ]);
    for (const event of events) {
      expectValidPayload(event);
      expect(event).toMatchObject({ aggregate_type: 'document', actor_user_id: world.verifierId, request_id: 'req-verifier', queued: true });
    }
    expect(events[0]!.payload).toEqual({
      documentId: document.id,
      organizationId: world.organizationId,
      clientId: client.id,
      mimeType: document.mimeType,
      versionNumber: 1,
      storageKey: version.storageKey,
      checksumSha256: version.checksumSha256,
      sizeBytes: version.sizeBytes,
    });
    expect(events[1]!.payload).toMatchObject({ versionNumber: 2, storageKey: second.version.storageKey });
    expect(restored.deletedAt).toBeNull();
  });

  it('a rolled-back unit of work leaves neither the change, its audit row, its event nor an outbox message', async () => {
    const db = testDb.current.db;
    const id = unique();
    const failure = new Error('rolled back on purpose');
    let userId = '';
    let documentId = '';
    await expect(
      unitOfWork(db, { tenant: world.organizationId }, async (uow) => {
        const { user } = await uow.users.register({
          organizationId: world.organizationId,
          authSubject: `sub|${id}`,
          email: `rollback.${id}@example.com`,
          fullName: 'Rolled Back',
        });
        userId = user.id;
        const { document } = await uow.documents.create({ clientId: world.clientId, originalName: `r-${id}.pdf`, mimeType: 'application/pdf', ...anObject() });
        documentId = document.id;
        throw failure;
      }),
    ).rejects.toBe(failure);
    for (const aggregateId of [userId, documentId]) {
      expect(aggregateId).not.toBe('');
      expect(await eventsOf(db, aggregateId)).toEqual([]);
    }
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM outbox_messages m
      WHERE NOT EXISTS (SELECT 1 FROM domain_events e WHERE e.id = m.event_id)`.execute(db);
    expect(rows[0]!.n).toBe(0);
  });

  it('domain_events is append-only', async () => {
    const db = testDb.current.db;
    for (const statement of [sql`UPDATE domain_events SET payload = '{}'`, sql`DELETE FROM domain_events`]) {
      await expect(statement.execute(db)).rejects.toMatchObject({ code: '42501' });
    }
    // TRUNCATE: refused by the deliveries' foreign key (0A000) before the trigger (42501) runs.
    await expect(sql`TRUNCATE domain_events`.execute(db)).rejects.toMatchObject({ code: expect.stringMatching(/^(0A000|42501)$/) });
  });

  it('writeAudit refuses a malformed event with a ValidationError and writes nothing', async () => {
    const { writeAudit } = await import('../../../src/core/audit/write-audit.js');
    const record = {
      action: 'document.delete',
      entityType: 'document',
      entityId: world.documentId,
      organizationId: world.organizationId,
      before: null,
      after: null,
      event: { eventType: 'document.deleted', payloadVersion: 1, aggregateType: 'document', aggregateId: world.documentId, aggregateVersion: null, payload: [] },
    };
    await expect(writeAudit(testDb.current.db, {}, record as never)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('the worker role and the outbox', () => {
  const testDb = useTestDatabase();
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
  });

  /** Runs `work` in a transaction as `role`, with the tenant set when given; always rolled back. */
  async function as<T>(role: string, tenant: string | null, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    const result: { value?: T } = {};
    await testDb.current.db
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT set_config('role', ${role}, true)`.execute(trx);
        if (tenant) await sql`SELECT set_config('app.organization_id', ${tenant}, true)`.execute(trx);
        result.value = await work(trx);
        throw Object.assign(new Error('rollback'), { rollback: true });
      })
      .catch((error: { rollback?: boolean }) => {
        if (!error.rollback) throw error;
      });
    return result.value as T;
  }

  const count = async (trx: Kysely<DB>, table: string) =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(trx)).rows[0]!.n;

  it('without a tenant, the worker sees and claims the outbox of every tenant and no tenant data', async () => {
    const db = testDb.current.db;
    const system = createRepositories(db);
    const orgs = [await anOrganization(system, `w-${unique()}`), await anOrganization(system, `w-${unique()}`)];
    for (const org of orgs) await aUser(system, org.id);
    const seen = await as('org_data_worker', null, async (trx) => {
      const claimed = await sql<{ organization_id: string }>`
        SELECT organization_id FROM outbox_messages ORDER BY created_at, event_id FOR UPDATE SKIP LOCKED`.execute(trx);
      const deleted = await sql`DELETE FROM outbox_messages WHERE organization_id = ${orgs[0]!.id}`.execute(trx);
      return {
        tenants: new Set(claimed.rows.map((r) => r.organization_id)),
        deleted: Number(deleted.numAffectedRows),
        events: await count(trx, 'domain_events'),
        users: await count(trx, 'users'),
        audit: await count(trx, 'audit_logs'),
        eventTypes: await count(trx, 'event_types'),
      };
    });
    expect([...orgs.map((o) => o.id)].every((id) => seen.tenants.has(id))).toBe(true);
    expect(seen.deleted).toBe(1);
    expect(seen).toMatchObject({ events: 0, users: 0, audit: 0, eventTypes: EVENT_TYPES.length });
    // It may not enqueue (or write tenant data) without a tenant: the tenant policy's WITH CHECK.
    await expect(
      as('org_data_worker', null, (trx) =>
        sql`INSERT INTO outbox_messages (organization_id, event_id, event_created_at) VALUES (${orgs[0]!.id}, ${randomUUID()}, now())`.execute(trx),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      as('org_data_worker', null, (trx) => sql`UPDATE users SET email = email`.execute(trx).then((r) => Number(r.numAffectedRows))),
    ).resolves.toBe(0);
  });

  it('with a tenant set, the worker reads that tenant’s events only', async () => {
    const db = testDb.current.db;
    const system = createRepositories(db);
    const [a, b] = [await anOrganization(system, `w-${unique()}`), await anOrganization(system, `w-${unique()}`)];
    const { user } = await aUser(system, a.id);
    await aUser(system, b.id);
    const types = await as('org_data_worker', a.id, async (trx) =>
      (await sql<{ organization_id: string; aggregate_id: string }>`SELECT organization_id, aggregate_id FROM domain_events`.execute(trx)).rows,
    );
    expect(types.every((r) => r.organization_id === a.id)).toBe(true);
    expect(types.map((r) => r.aggregate_id)).toContain(user.id);
  });

  it('the application role enqueues but cannot read or delete the outbox', async () => {
    const db = testDb.current.db;
    const org = await anOrganization(createRepositories(db), `w-${unique()}`);
    await expect(as('org_data_app', org.id, (trx) => count(trx, 'outbox_messages'))).rejects.toMatchObject({ code: '42501' });
    await expect(as('org_data_app', org.id, (trx) => sql`DELETE FROM outbox_messages`.execute(trx))).rejects.toMatchObject({ code: '42501' });
  });

  it('the worker role is NOLOGIN and cannot skip row-level security', async () => {
    const { rows } = await sql<Record<string, boolean>>`
      SELECT rolcanlogin AS login, rolsuper AS super, rolbypassrls AS bypass, pg_has_role('org_data_worker', 'org_data_app', 'MEMBER') AS app
      FROM pg_roles WHERE rolname = 'org_data_worker'`.execute(testDb.current.db);
    expect(rows).toEqual([{ login: false, super: false, bypass: false, app: true }]);
  });
});

describe('domain_events partitions', () => {
  const testDb = useTestDatabase();

  it('a time-range query reads only the months in range, and a month with queued messages cannot be dropped', async () => {
    const db = testDb.current.db;
    await domainEventPartitions.create(db, { from: new Date('2025-01-15T00:00:00Z'), monthsAhead: 3 });
    const org = (await anOrganization(createRepositories(db), `p-${unique()}`)).id;
    await sql`INSERT INTO domain_events (organization_id, created_at, event_type_code, payload_version, aggregate_type, aggregate_id, payload)
      SELECT ${org}, timestamptz '2025-01-01' + g * interval '1 day', 'document.deleted', 1, 'document', gen_random_uuid(), '{}'
      FROM generate_series(0, 110) g`.execute(db);
    const { rows } = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN SELECT id FROM domain_events WHERE organization_id = ${org}
        AND created_at >= timestamptz '2025-02-03' AND created_at < timestamptz '2025-02-20'`.execute(db);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('domain_events_y2025m02');
    expect(plan).not.toMatch(/domain_events_y2025m0[134]|domain_events_default/);

    // An undispatched message holds its month: dropping it is refused, nothing is lost.
    await sql`INSERT INTO outbox_messages (organization_id, event_id, event_created_at)
      SELECT organization_id, id, created_at FROM domain_events WHERE organization_id = ${org} AND created_at < '2025-02-01' LIMIT 1`.execute(db);
    await expect(domainEventPartitions.dropBefore(db, new Date('2025-02-01T00:00:00Z'))).rejects.toBeInstanceOf(ValidationError);
    expect((await domainEventPartitions.list(db)).map((p) => p.name)).toContain('domain_events_y2025m01');
    await sql`DELETE FROM outbox_messages WHERE organization_id = ${org}`.execute(db);
    expect(await domainEventPartitions.dropBefore(db, new Date('2025-02-01T00:00:00Z'))).toEqual(['domain_events_y2025m01']);
  });
});
