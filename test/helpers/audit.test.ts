// test/helpers/audit.ts: reading the audit trail in event order, inside and outside a
// transaction, and expectAudit failing whenever the trail differs from what it is told.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/repositories.js';
import { auditMark, auditRowsOf, expectAudit } from './audit.js';
import { useTestDatabase } from './database.js';
import { aClient } from './documents.js';
import { aWorld, type World } from './world.js';

describe('audit helpers', () => {
  const testDb = useTestDatabase();
  const db = () => testDb.current.db;
  let world: World;

  beforeAll(async () => {
    world = await aWorld(db());
  });

  it('expectAudit passes on an entity\'s trail and returns its rows', async () => {
    const rows = await expectAudit(db(), { entityType: 'document', entityId: world.documentId }, [
      {
        action: 'document.create',
        actorUserId: world.verifierId,
        organizationId: world.organizationId,
        requestId: 'req-verifier',
        before: null,
        after: { id: world.documentId, clientId: world.clientId, currentVersion: 1 },
      },
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ entityType: 'document', entityId: world.documentId, eventId: expect.stringMatching(/^\d+$/) });
  });

  it('reads in event order, and only what was written after a mark', async () => {
    const client = await aClient(world.asVerifier, world.organizationId);
    const mark = await auditMark(db());
    await world.asVerifier.clients.update(client.id, { name: 'First' });
    await world.asApplicant.clients.update(client.id, { name: 'Second' });
    await expectAudit(db(), { since: mark }, [
      { action: 'client.update', before: { name: client.name }, after: { name: 'First' }, actorUserId: world.verifierId },
      { action: 'client.update', before: { name: 'First' }, after: { name: 'Second' }, actorUserId: world.applicantId },
    ]);
    const all = await auditRowsOf(db(), { entityId: client.id });
    expect(all.map((r) => r.action)).toEqual(['client.create', 'client.update', 'client.update']);
    expect(all.map((r) => BigInt(r.eventId))).toEqual([...all.map((r) => BigInt(r.eventId))].sort((a, b) => (a < b ? -1 : 1)));
    expect(await auditRowsOf(db(), { entityId: client.id, actorUserId: world.applicantId })).toHaveLength(1);
    expect(await auditRowsOf(db(), { entityId: client.id, action: 'client.create' })).toHaveLength(1);
    expect(await auditRowsOf(db(), { organizationId: world.organizationId, entityType: 'client' })).toHaveLength(4);
  });

  it('works inside a transaction: it sees the rows the transaction wrote, which others do not see yet', async () => {
    const mark = await auditMark(db());
    const rollback = new Error('rolled back');
    await db()
      .transaction()
      .execute(async (trx) => {
        await createRepositories(trx, { actorUserId: world.verifierId }).clients.update(world.clientId, { name: 'In trx' });
        await expectAudit(trx, { since: mark }, [{ action: 'client.update', after: { name: 'In trx' } }]);
        expect(await auditRowsOf(db(), { since: mark })).toEqual([]);
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    expect(await auditRowsOf(db(), { since: mark })).toEqual([]);
  });

  it.each([
    ['another action', [{ action: 'document.update' }]],
    ['a row too few', []],
    ['a row too many', [{ action: 'document.create' }, { action: 'document.create' }]],
    ['another snapshot value', [{ action: 'document.create', after: { currentVersion: 2 } }]],
    ['a snapshot field that is not there', [{ action: 'document.create', after: { secret: 'x' } }]],
    ['a snapshot where there is none', [{ action: 'document.create', before: {} }]],
    ['no snapshot where there is one', [{ action: 'document.create', after: null }]],
    ['another actor', [{ action: 'document.create', actorUserId: null }]],
  ])('expectAudit fails on %s', async (_, expected) => {
    await expect(expectAudit(db(), { entityType: 'document', entityId: world.documentId }, expected)).rejects.toThrow(
      /audit rows of/,
    );
  });
});
