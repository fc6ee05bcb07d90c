import { beforeAll, describe, expect, it } from 'vitest';
import { UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createRepositories, type Repositories } from '../../../../src/repositories.js';
import { seedDefaults } from '../../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { aClient } from '../../../helpers/documents.js';
import { anOrganization, aUser } from '../../../helpers/fixtures.js';

describe('clients repository', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  let organizationId: string;
  let actorId: string;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    const system = createRepositories(testDb.current.db);
    organizationId = (await anOrganization(system)).id;
    actorId = (await aUser(system, organizationId)).user.id;
    repos = createRepositories(testDb.current.db, { actorUserId: actorId });
  });

  it('creates a client with validated metadata, actor columns and an audit row', async () => {
    const client = await repos.clients.create({
      organizationId,
      code: 'ACME',
      name: 'Acme Ltd',
      metadata: { industry: 'retail', tier: 2, tags: ['a', 'b'] },
      managerUserId: actorId,
    });
    expect(client).toMatchObject({
      code: 'ACME',
      status: 'active',
      metadata: { industry: 'retail', tier: 2, tags: ['a', 'b'] },
      managerUserId: actorId,
      createdBy: actorId,
      updatedBy: actorId,
      deletedAt: null,
    });
    const history = await repos.audit.pageEntityHistory('client', client.id);
    expect(history.items.map((e) => e.action)).toEqual(['client.create']);
    await expect(repos.clients.create({ organizationId, code: 'X1', name: 'x', metadata: [] as never })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      repos.clients.create({ organizationId, code: 'X2', name: 'x', metadata: { big: 'x'.repeat(17_000) } }),
    ).rejects.toBeInstanceOf(ValidationError);
    const other = await anOrganization(createRepositories(testDb.current.db));
    const stranger = await aUser(createRepositories(testDb.current.db), other.id);
    await expect(
      repos.clients.create({ organizationId, code: 'X3', name: 'x', managerUserId: stranger.user.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'manager' });
  });

  it('updates, changes status, and lists by organization and status with keyset pagination', async () => {
    const org = (await anOrganization(createRepositories(testDb.current.db))).id;
    const created = [];
    for (let i = 0; i < 7; i += 1) created.push(await aClient(repos, org, `K${i}`));
    await repos.clients.changeStatus(created[1]!.id, 'suspended');
    await repos.clients.changeStatus(created[4]!.id, 'suspended');
    const updated = await repos.clients.update(created[0]!.id, { name: 'Renamed', metadata: { region: 'north' } });
    expect(updated).toMatchObject({ name: 'Renamed', metadata: { region: 'north' } });
    const codes: string[] = [];
    let after: string | null = null;
    do {
      const page = await repos.clients.pageByOrganization(org, { limit: 2, after });
      codes.push(...page.items.map((c) => c.code));
      after = page.nextCursor;
    } while (after);
    expect(codes).toEqual(['K0', 'K1', 'K2', 'K3', 'K4', 'K5', 'K6']);
    const suspended = await repos.clients.pageByOrganization(org, { status: 'suspended' });
    expect(suspended.items.map((c) => c.code)).toEqual(['K1', 'K4']);
    await expect(repos.clients.changeStatus(created[2]!.id, 'gone' as never)).rejects.toBeInstanceOf(ValidationError);
  });

  it('soft delete frees the code; restoring the old client then conflicts', async () => {
    const first = await aClient(repos, organizationId, 'REUSE');
    await repos.clients.softDelete(first.id);
    expect(await repos.clients.findById(first.id)).toBeUndefined();
    await expect(repos.clients.softDelete(first.id)).rejects.toBeInstanceOf(NotFoundError);
    const second = await aClient(repos, organizationId, 'REUSE');
    expect(second.id).not.toBe(first.id);
    const error = await repos.clients.restore(first.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ constraint: 'clients_organization_code_key' });
    await repos.clients.softDelete(second.id);
    const restored = await repos.clients.restore(first.id);
    expect(restored.deletedAt).toBeNull();
    await expect(repos.clients.restore(first.id)).rejects.toBeInstanceOf(NotFoundError);
    const actions = (await repos.audit.pageEntityHistory('client', first.id)).items.map((e) => e.action);
    expect(actions).toEqual(['client.create', 'client.delete', 'client.restore']);
  });

  it('the metadata limit of the schema and of the database agree (jsonb text, 16 384 bytes)', async () => {
    const { jsonbTextBytes } = await import('../../../../src/core/kernel/metadata.js');
    const shaped = (filler: number) => ({ a: 'x'.repeat(filler), list: [1, 2, 3], nested: { b: true, c: null } });
    let filler = 16_384 - jsonbTextBytes(shaped(0));
    expect(jsonbTextBytes(shaped(filler))).toBe(16_384);
    const atLimit = await repos.clients.create({ organizationId, code: 'BIG', name: 'Big', metadata: shaped(filler) });
    const { rows } = await (await import('kysely')).sql<{ n: number }>`
      SELECT octet_length(metadata::text) AS n FROM clients WHERE id = ${atLimit.id}`.execute(testDb.current.db);
    expect(rows[0]?.n).toBe(16_384);
    filler += 1;
    await expect(
      repos.clients.create({ organizationId, code: 'BIG2', name: 'Big', metadata: shaped(filler) }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('searches metadata by containment', async () => {
    const org = (await anOrganization(createRepositories(testDb.current.db))).id;
    await repos.clients.create({ organizationId: org, code: 'M1', name: 'm1', metadata: { industry: 'retail', region: 'north' } });
    await repos.clients.create({ organizationId: org, code: 'M2', name: 'm2', metadata: { industry: 'retail', region: 'south' } });
    await repos.clients.create({ organizationId: org, code: 'M3', name: 'm3', metadata: { industry: 'bank' } });
    const retail = await repos.clients.pageByMetadata(org, { industry: 'retail' });
    expect(retail.items.map((c) => c.code)).toEqual(['M1', 'M2']);
    const north = await repos.clients.pageByMetadata(org, { industry: 'retail', region: 'north' });
    expect(north.items.map((c) => c.code)).toEqual(['M1']);
    expect((await repos.clients.pageByMetadata(organizationId, { industry: 'bank' })).items).toEqual([]);
  });
});
