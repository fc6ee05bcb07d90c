// No plaintext and no key reaches the database, an error, the audit trail or an event: a canary
// plaintext goes through everything the keyring does (encrypt with a blind index, the first keys,
// rotation, re-encryption, re-wrapping, failures), then every table of the database is read back
// as text and searched for the canary and every key, as text, hex and base64. The global teardown
// (test/global-setup.ts) searches every log line of the suite for the canary too.
import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { createKeyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { defineEncryptedColumn } from '../../../../src/contexts/integrations/encryption-keys/keyring-types.js';
import { createRepositories, unitOfWork } from '../../../../src/repositories.js';
import { CANARIES } from '../../../helpers/canaries.js';
import { anOrganization } from '../../../helpers/fixtures.js';
import { useTestDatabase } from '../../../helpers/database.js';

const CANARY = CANARIES[3];

/** Everything a logger could print of an error, causes included. */
function exposed(error: unknown): string {
  const e = error as Error;
  return [String(e), e.message, e.stack, JSON.stringify(e), inspect(e, { depth: 5 })].join('\n');
}

/** The forms a secret could take in text: as is, hex (bytea's text form), base64. */
function forms(secret: Buffer | string): string[] {
  const bytes = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
  return [...(Buffer.isBuffer(secret) ? [] : [secret]), bytes.toString('hex'), bytes.toString('base64')];
}

describe('encryption canaries', () => {
  const testDb = useTestDatabase();

  it('the canary plaintext, the master keys and the data keys are nowhere in the database, errors, audit rows or events', async () => {
    const owner = testDb.current.db;
    const app = testDb.current.app;
    const org = (await anOrganization(createRepositories(owner))).id;
    await sql`CREATE TABLE secret_notes (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations (id), body_encrypted bytea, body_index bytea)`.execute(owner);
    await sql`CALL org_data_enable_tenant_isolation('secret_notes')`.execute(owner);
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const p1 = localKeyProvider({ masterKeys: { k1: k1.toString('base64') }, current: 'k1' });
    const p2 = localKeyProvider({ masterKeys: { k1: k1.toString('base64'), k2: k2.toString('base64') }, current: 'k2' });
    const keyring = createKeyring({ provider: p1 });
    const errors: unknown[] = [];
    const ids: string[] = [];
    const column = { table: 'secret_notes', column: 'body_encrypted' };

    for (let i = 0; i < 20; i += 1) {
      ids.push(
        await unitOfWork(app, { tenant: org, context: { requestId: 'canary' } }, async (uow) => {
          const id = randomUUID();
          const body = await keyring.encrypt(uow, { ...column, rowId: id }, `${CANARY} #${i}`);
          const index = await keyring.blindIndex(uow, column, CANARY);
          await sql`INSERT INTO secret_notes VALUES (${id}, ${org}, ${body}, ${index})`.execute(uow.trx);
          return id;
        }),
      );
    }
    await keyring.rotate(app, { organizationId: org });
    await keyring.reencrypt(app, defineEncryptedColumn(column), { organizationId: org, batchSize: 7 });
    const second = createKeyring({ provider: p2 });
    await second.rewrap(app, { organizationId: org });
    // Failures: a value opened for another row, a key the provider cannot unwrap, a plaintext too large.
    await unitOfWork(app, { tenant: org }, async (uow) => {
      const { rows } = await sql<{ b: Buffer }>`SELECT body_encrypted AS b FROM secret_notes WHERE id = ${ids[0]}`.execute(uow.trx);
      errors.push(await keyring.decrypt(uow, { ...column, rowId: ids[1]! }, rows[0]!.b).catch((e: unknown) => e));
      errors.push(await createKeyring({ provider: localKeyProvider({ masterKeys: { k9: randomBytes(32).toString('base64') }, current: 'k9' }) })
        .decrypt(uow, { ...column, rowId: ids[0]! }, rows[0]!.b)
        .catch((e: unknown) => e));
      errors.push(await keyring.encrypt(uow, { ...column, rowId: ids[0]! }, CANARY.repeat(40_000)).catch((e: unknown) => e));
      expect(await second.decryptText(uow, { ...column, rowId: ids[0]! }, rows[0]!.b)).toBe(`${CANARY} #0`);
    });
    expect(errors.every((e) => e instanceof Error)).toBe(true);

    // Every data key, unwrapped here from the rows.
    const keyRows = (
      await sql<{ id: string; purpose: string; master_key_id: string; wrapped_key: Buffer }>`
        SELECT id, purpose, master_key_id, wrapped_key FROM encryption_keys WHERE organization_id = ${org}`.execute(owner)
    ).rows;
    expect(keyRows.length).toBe(3); // field v1 and v2, blind_index v1
    const dataKeys = await Promise.all(
      keyRows.map(async (k) => Buffer.from(await p2.unwrap(k.wrapped_key, k.master_key_id, { organizationId: org, keyId: k.id, purpose: k.purpose }))),
    );
    const secrets = [...forms(CANARY), ...forms(k1), ...forms(k2), ...dataKeys.flatMap(forms)];

    // Every table (partitions included), every row, as text, as the owner (who bypasses RLS).
    const tables = (
      await sql<{ name: string }>`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public'`.execute(owner)
    ).rows.map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['public.audit_logs', 'public.domain_events', 'public.encryption_keys', 'public.secret_notes']));
    let scanned = 0;
    for (const table of tables) {
      const { rows } = await sql<{ text: string | null }>`SELECT string_agg(t::text, E'\n') AS text FROM ${sql.raw(table)} t`.execute(owner);
      const text = rows[0]?.text ?? '';
      scanned += text.length;
      for (const secret of secrets) expect(text.includes(secret), `${table} holds a secret`).toBe(false);
    }
    expect(scanned).toBeGreaterThan(10_000);
    // The audit trail and the events saw the key operations, and nothing of a key.
    const audit = (await sql<{ action: string }>`SELECT action FROM audit_logs WHERE organization_id = ${org} AND action LIKE 'encryption_key.%'`.execute(owner)).rows;
    expect(audit.map((a) => a.action).sort()).toEqual([
      'encryption_key.create',
      'encryption_key.create',
      'encryption_key.rewrap',
      'encryption_key.rewrap',
      'encryption_key.rewrap',
      'encryption_key.rotate',
    ]);
    for (const error of errors) for (const secret of secrets) expect(exposed(error).includes(secret)).toBe(false);
  });
});
