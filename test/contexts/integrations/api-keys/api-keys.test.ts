// API keys on real PostgreSQL, as the application role: made and revoked in a tenant's unit of
// work (never beyond the creator's permissions), resolved with no tenant set; unknown, revoked
// and expired keys give the same answer.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKeys, type ApiKeys } from '../../../../src/contexts/integrations/api-keys/api-keys.js';
import { ForbiddenError } from '../../../../src/core/errors/forbidden-error.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { TransactionScopeError } from '../../../../src/core/errors/transaction-scope-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { eventPayloadSchema } from '../../../../src/contexts/events/event-catalog.js';
import { unitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { aWorld, type World } from '../../../helpers/world.js';

describe('API keys', () => {
  const testDb = useTestDatabase({ seed: true });
  let owner: Kysely<DB>;
  let app: Kysely<DB>;
  let world: World;
  const apiKeys: ApiKeys = createApiKeys({ hashKey: randomBytes(32).toString('base64') });

  /** A unit of work of the world's tenant as `actor` (the admin by default). */
  const as = <T>(fn: Parameters<typeof unitOfWork<DB, T>>[2], actor?: string) =>
    unitOfWork(app, { tenant: world.organizationId, context: { actorUserId: actor ?? world.verifierId, requestId: 'api-keys' } }, fn);
  const make = (input: Parameters<ApiKeys['create']>[1], actor?: string) => as((uow) => apiKeys.create(uow, input), actor);

  beforeAll(async () => {
    owner = testDb.current.db;
    app = testDb.current.app;
    world = await aWorld(owner);
  });

  it('create: the secret once, its keyed hash stored, the permissions, audited with its event', async () => {
    const { apiKey, secret } = await make({ name: 'CI deploys', permissions: ['user:read', 'role:read', 'user:read'] });
    expect(secret).toMatch(/^pk_live_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'CI deploys', prefix: 'pk_live_', createdByUserId: world.verifierId, revokedAt: null, expiresAt: null });
    expect(apiKey.permissions).toEqual(['role:read', 'user:read']);
    const stored = (await sql<{ row: string }>`SELECT k::text AS row FROM api_keys k WHERE id = ${apiKey.id}`.execute(owner)).rows[0]!.row;
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(Buffer.from(secret).toString('hex'));
    const audit = await sql<{ after: Record<string, unknown> }>`SELECT after FROM audit_logs WHERE entity_id = ${apiKey.id} AND action = 'api_key.create'`.execute(owner);
    expect(Object.keys(audit.rows[0]!.after).sort()).toEqual(['createdByUserId', 'expiresAt', 'id', 'name', 'prefix', 'revokedAt', 'revokedByUserId']);
    const events = await unitOfWork(owner, { tenant: world.organizationId }, (uow) =>
      sql<{ payload: object }>`SELECT payload FROM domain_events WHERE aggregate_id = ${apiKey.id}`.execute(uow.trx),
    );
    expect(eventPayloadSchema('api_key.created', 1).parse(events.rows[0]!.payload)).toMatchObject({ permissions: ['role:read', 'user:read'] });
  });

  it('a key never carries a permission its creator does not hold (or that does not exist): ForbiddenError, nothing written', async () => {
    const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM api_keys`.execute(owner)).rows[0]!.n;
    const asApplicant = await make({ name: 'too much', permissions: ['user:read', 'role:manage'] }, world.applicantId).catch((e: unknown) => e);
    expect(asApplicant).toBeInstanceOf(ForbiddenError);
    expect(await make({ name: 'unknown', permissions: ['nope:never'] }).catch((e: unknown) => e)).toBeInstanceOf(ForbiddenError);
    expect(
      await unitOfWork(app, { tenant: world.organizationId }, (uow) => apiKeys.create(uow, { name: 'no actor', permissions: ['user:read'] })).catch((e: unknown) => e),
    ).toBeInstanceOf(ForbiddenError);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM api_keys`.execute(owner)).rows[0]!.n).toBe(before);
  });

  it('resolve: the organization and permissions for the application role with no tenant; last use recorded at most every five minutes', async () => {
    const { apiKey, secret } = await make({ name: 'reader', environment: 'test', permissions: ['user:read'] });
    expect(secret.startsWith('pk_test_')).toBe(true);
    expect(await apiKeys.resolve(app, secret)).toEqual({ apiKeyId: apiKey.id, organizationId: world.organizationId, name: 'reader', permissions: ['user:read'] });
    const used = async () => (await sql<{ at: Date | null }>`SELECT last_used_at AS at FROM api_keys WHERE id = ${apiKey.id}`.execute(owner)).rows[0]!.at;
    const first = await used();
    expect(first).not.toBeNull();
    await apiKeys.resolve(app, secret);
    expect(await used()).toEqual(first);
    // In a caller's transaction without a tenant: joins it and leaves it seeing nothing.
    await unitOfWork(app, {}, async (uow) => {
      expect((await apiKeys.resolve(uow.trx, secret))?.apiKeyId).toBe(apiKey.id);
      expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM api_keys`.execute(uow.trx)).rows[0]!.n).toBe(0);
    });
    await expect(as((uow) => apiKeys.resolve(uow.trx, secret))).rejects.toBeInstanceOf(TransactionScopeError);
  });

  it('two revocations at once: the second waits, then reports the first one (revoked, one audit row)', async () => {
    const { apiKey } = await make({ name: 'raced', permissions: ['user:read'] });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstDone!: () => void;
    const firstRevoked = new Promise<void>((resolve) => (firstDone = resolve));
    const first = as(async (uow) => {
      const revoked = await apiKeys.revoke(uow, apiKey.id);
      firstDone();
      await gate; // holds the row until the second revocation waits for it
      return revoked;
    });
    await firstRevoked;
    const second = as((uow) => apiKeys.revoke(uow, apiKey.id));
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(b.revokedAt).toEqual(a.revokedAt);
    expect(b.revokedByUserId).toBe(world.verifierId);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = ${apiKey.id} AND action = 'api_key.revoke'`.execute(owner);
    expect(rows[0]!.n).toBe(1);
  });

  it('unknown, revoked, expired and malformed keys all resolve to undefined', async () => {
    const revoked = await make({ name: 'to revoke', permissions: ['user:read'] });
    const after = await as((uow) => apiKeys.revoke(uow, revoked.apiKey.id));
    expect(after).toMatchObject({ revokedByUserId: world.verifierId });
    expect(after.revokedAt).toBeInstanceOf(Date);
    // A second revocation changes nothing and records nothing.
    expect((await as((uow) => apiKeys.revoke(uow, revoked.apiKey.id))).revokedAt).toEqual(after.revokedAt);
    const audits = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = ${revoked.apiKey.id} AND action = 'api_key.revoke'`.execute(owner);
    expect(audits.rows[0]!.n).toBe(1);
    const expiring = await make({ name: 'to expire', permissions: ['user:read'], expiresAt: new Date(Date.now() + 60_000) });
    await sql`UPDATE api_keys SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE id = ${expiring.apiKey.id}`.execute(owner);
    const unknown = `pk_live_${randomBytes(32).toString('base64url')}`;
    const other = createApiKeys({ hashKey: randomBytes(32).toString('base64') });
    for (const secret of [unknown, revoked.secret, expiring.secret, 'not a key', '', 'pk_live_short']) {
      expect(await apiKeys.resolve(app, secret)).toBeUndefined();
    }
    // Another hash key (another service's, or a changed one) resolves nothing.
    const live = await make({ name: 'live', permissions: ['user:read'] });
    expect(await other.resolve(app, live.secret)).toBeUndefined();
    await expect(as((uow) => apiKeys.revoke(uow, '00000000-0000-4000-8000-000000000000'))).rejects.toBeInstanceOf(NotFoundError);
    // A key of a soft-deleted organization resolves to nothing either.
    const gone = await aWorld(owner);
    const ofGone = await unitOfWork(app, { tenant: gone.organizationId, context: { actorUserId: gone.verifierId } }, (uow) =>
      apiKeys.create(uow, { name: 'of a deleted organization', permissions: ['user:read'] }),
    );
    expect(await apiKeys.resolve(app, ofGone.secret)).toBeDefined();
    await gone.system.organizations.softDelete(gone.organizationId);
    expect(await apiKeys.resolve(app, ofGone.secret)).toBeUndefined();
  });

  it('list: the tenant’s keys without secrets; bad input is a ValidationError', async () => {
    const keys = await as((uow) => apiKeys.list(uow));
    expect(keys.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(keys)).not.toMatch(/pk_live_[A-Za-z0-9_-]{43}|secret_hash/);
    for (const bad of [
      () => make({ name: ' ', permissions: ['user:read'] }),
      () => make({ name: 'x', permissions: [] }),
      () => make({ name: 'x', permissions: ['user:read'], expiresAt: new Date(Date.now() - 1000) }),
      () => make({ name: 'x', permissions: ['user:read'], environment: 'prod' as never }),
      () => as((uow) => apiKeys.revoke(uow, 'nope')),
      () => unitOfWork(app, {}, (uow) => apiKeys.list(uow)),
      () => apiKeys.resolve(app, 42 as never),
    ]) {
      await expect(bad()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(() => createApiKeys({ hashKey: 'short' })).toThrow(ValidationError);
  });
});
