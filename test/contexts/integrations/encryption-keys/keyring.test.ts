// The keyring on real PostgreSQL, as the application role under FORCE RLS: values sealed for a
// field open only there; the first key of an organization is made once, also by racing writers;
// rotation, re-wrapping and the interruptible re-encryption job lose nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, KeyProviderError } from '../../../../src/core/errors/encryption-errors.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import type { KeyProvider } from '../../../../src/core/encryption/key-provider.js';
import { createKeyring, type Keyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { defineEncryptedColumn, type EncryptedField } from '../../../../src/contexts/integrations/encryption-keys/keyring-types.js';
import { createRepositories, unitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { anOrganization } from '../../../helpers/fixtures.js';
import { useTestDatabase } from '../../../helpers/database.js';

const masterKey = () => randomBytes(32).toString('base64');
const NOTES = defineEncryptedColumn({ table: 'secret_notes', column: 'body_encrypted' });

/** What a call threw (or undefined). */
async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('keyring', () => {
  const testDb = useTestDatabase();
  let owner: Kysely<DB>;
  let app: Kysely<DB>;
  let orgA: string;
  let orgB: string;
  const k1 = masterKey();
  let provider: KeyProvider;
  let keyring: Keyring;

  const field = (rowId: string, column = 'body_encrypted'): EncryptedField => ({ table: 'secret_notes', column, rowId });
  const keysOf = async (org: string) =>
    (
      await sql<{ id: string; purpose: string; version: number; status: string; master_key_id: string }>`
        SELECT id, purpose, version, status, master_key_id FROM encryption_keys WHERE organization_id = ${org} ORDER BY purpose, version`.execute(owner.withoutPlugins())
    ).rows;

  beforeAll(async () => {
    owner = testDb.current.db;
    app = testDb.current.app;
    const repos = createRepositories(owner);
    orgA = (await anOrganization(repos)).id;
    orgB = (await anOrganization(repos)).id;
    await sql`CREATE TABLE secret_notes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations (id),
      body_encrypted bytea,
      body_index bytea
    )`.execute(owner);
    await sql`CALL org_data_enable_tenant_isolation('secret_notes')`.execute(owner);
    provider = localKeyProvider({ masterKeys: { k1 }, current: 'k1' });
    keyring = createKeyring({ provider });
  });

  /** Inserts a note of `org` with `text` encrypted (and its blind index); its id. */
  const note = (org: string, text: string, ring = keyring) =>
    unitOfWork(app, { tenant: org }, async (uow) => {
      const id = randomUUID();
      const body = await ring.encrypt(uow, field(id), text);
      const index = await ring.blindIndex(uow, { table: 'secret_notes', column: 'body_encrypted' }, text);
      await sql`INSERT INTO secret_notes (id, organization_id, body_encrypted, body_index) VALUES (${id}, ${org}, ${body}, ${index})`.execute(uow.trx);
      return id;
    });
  const read = (org: string, id: string, ring = keyring) =>
    unitOfWork(app, { tenant: org }, async (uow) => {
      const { rows } = await sql<{ body: Buffer }>`SELECT body_encrypted AS body FROM secret_notes WHERE id = ${id}`.execute(uow.trx);
      return ring.decryptText(uow, field(id), rows[0]!.body);
    });

  it('seals text and bytes for a field and opens them there; the stored value is 45 bytes longer and holds no plaintext', async () => {
    const id = await note(orgA, 'the launch code is 0000');
    expect(await read(orgA, id)).toBe('the launch code is 0000');
    const { rows } = await sql<{ body: Buffer }>`SELECT body_encrypted AS body FROM secret_notes WHERE id = ${id}`.execute(owner.withoutPlugins());
    expect(rows[0]!.body.length).toBe(Buffer.byteLength('the launch code is 0000') + 45);
    expect(rows[0]!.body.includes(Buffer.from('launch'))).toBe(false);
    const bytes = randomBytes(300);
    await unitOfWork(app, { tenant: orgA }, async (uow) => {
      const sealed = await keyring.encrypt(uow, field(id, 'other_column'), bytes);
      expect((await keyring.decrypt(uow, field(id, 'other_column'), sealed)).equals(bytes)).toBe(true);
    });
    // Each organization got its keys, one active per purpose, made in transactions of their own.
    expect((await keysOf(orgA)).map((k) => [k.purpose, k.version, k.status])).toEqual([
      ['blind_index', 1, 'active'],
      ['field', 1, 'active'],
    ]);
  });

  it('a value altered anywhere, or opened for another row, column, table or organization, does not decrypt (property)', async () => {
    const id = randomUUID();
    const other = randomUUID();
    await unitOfWork(app, { tenant: orgA }, async (uow) => {
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 200 }), fc.nat(), fc.integer({ min: 1, max: 255 }), async (text, at, xor) => {
          const sealed = await keyring.encrypt(uow, field(id), text);
          const altered = Buffer.from(sealed);
          altered[at % altered.length]! ^= xor;
          for (const [target, value] of [
            [field(id), altered],
            [field(other), sealed],
            [field(id, 'body_index'), sealed],
            [{ table: 'secret_notes_copy', column: 'body_encrypted', rowId: id }, sealed],
          ] as const) {
            const error = await caught(() => keyring.decrypt(uow, target, value));
            expect(error).toBeInstanceOf(DecryptionError);
          }
          expect(await keyring.decryptText(uow, field(id), sealed)).toBe(text);
        }),
        { numRuns: 150 },
      );
    });
    // Another tenant: A's key is not B's (unknown key), whatever the row.
    const sealed = await unitOfWork(app, { tenant: orgA }, (uow) => keyring.encrypt(uow, field(id), 'for A only'));
    const asB = await unitOfWork(app, { tenant: orgB }, (uow) => caught(() => keyring.decrypt(uow, field(id), sealed)));
    expect(asB).toBeInstanceOf(DecryptionError);
    expect((asB as DecryptionError).reason).toBe('unknown_key');
    // A fresh keyring (nothing cached) refuses it the same way.
    const fresh = createKeyring({ provider });
    const asBFresh = await unitOfWork(app, { tenant: orgB }, (uow) => caught(() => fresh.decrypt(uow, field(id), sealed)));
    expect((asBFresh as DecryptionError).reason).toBe('unknown_key');
    // Too short, another format version: malformed.
    const malformed = await unitOfWork(app, { tenant: orgA }, (uow) => caught(() => keyring.decrypt(uow, field(id), Buffer.from([2, ...sealed.subarray(1)]))));
    expect((malformed as DecryptionError).reason).toBe('malformed');
  });

  it('racing first writers of an organization make one key, audited once, with its event', async () => {
    const org = (await anOrganization(createRepositories(owner))).id;
    const rings = Array.from({ length: 8 }, () => createKeyring({ provider }));
    const ids = await Promise.all(rings.map((ring, i) => note(org, `note ${i}`, ring)));
    expect((await keysOf(org)).filter((k) => k.purpose === 'field')).toHaveLength(1);
    for (const [i, id] of ids.entries()) expect(await read(org, id, rings[(i + 3) % rings.length])).toBe(`note ${i}`);
    const audits = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE organization_id = ${org} AND action = 'encryption_key.create'`.execute(owner.withoutPlugins());
    const events = await unitOfWork(owner, { tenant: org }, async (uow) =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM domain_events WHERE organization_id = ${org} AND event_type_code = 'encryption_key.created'`.execute(uow.trx)).rows[0]!.n,
    );
    expect(audits.rows[0]!.n).toBe(2); // field and blind_index
    expect(events).toBe(2);
  });

  it('many first writers at once, one keyring or several: every write succeeds and each organization gets one key per purpose', async () => {
    // Two inserts can both pass the check of the active-key index before either has written it;
    // the version key then conflicts too, and must be handled the same way (not a UniqueViolationError).
    const repos = createRepositories(owner);
    const orgs = await Promise.all(Array.from({ length: 12 }, async () => (await anOrganization(repos)).id));
    const shared = createKeyring({ provider });
    const results = await Promise.allSettled(
      orgs.flatMap((org) => Array.from({ length: 12 }, (_, i) => note(org, `note ${i}`, i % 2 === 0 ? shared : createKeyring({ provider })))),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    for (const org of orgs) expect((await keysOf(org)).map((k) => `${k.purpose}/${k.version}/${k.status}`)).toEqual(['blind_index/1/active', 'field/1/active']);
  });

  it('a key made in a transaction that rolls back goes with it, and is never used again', async () => {
    const org = (await anOrganization(createRepositories(owner))).id;
    const ring = createKeyring({ provider });
    await caught(() =>
      unitOfWork(app, { tenant: org }, async (uow) => {
        const id = randomUUID();
        const first = await ring.encrypt(uow, field(id), 'doomed');
        // In the same transaction the key serves again, and what it sealed opens.
        expect(await ring.decryptText(uow, field(id), first)).toBe('doomed');
        await ring.encrypt(uow, field(randomUUID()), 'doomed too');
        throw new Error('rollback');
      }),
    );
    expect(await keysOf(org)).toEqual([]);
    // The same keyring makes a new key in the next transaction (it did not cache the lost one).
    const id = await note(org, 'kept', ring);
    expect((await keysOf(org)).filter((k) => k.purpose === 'field')).toHaveLength(1);
    expect(await read(org, id, createKeyring({ provider }))).toBe('kept');
  });

  it('rotation: a new key for new values, old values still open, audited with its event', async () => {
    const before = await note(orgA, 'written before the rotation');
    const rotated = await keyring.rotate(app, { organizationId: orgA });
    expect(rotated).toMatchObject({ purpose: 'field', version: 2, status: 'active', retiredAt: null });
    expect(Object.keys(rotated)).not.toContain('wrappedKey');
    const after = await note(orgA, 'written after');
    const header = async (id: string) =>
      (await sql<{ key: string }>`SELECT encode(substring(body_encrypted FROM 2 FOR 16), 'hex') AS key FROM secret_notes WHERE id = ${id}`.execute(owner.withoutPlugins())).rows[0]!.key;
    expect(await header(after)).toBe(rotated.id.replace(/-/g, ''));
    expect(await header(before)).not.toBe(rotated.id.replace(/-/g, ''));
    expect(await read(orgA, before, createKeyring({ provider }))).toBe('written before the rotation');
    expect((await keysOf(orgA)).filter((k) => k.purpose === 'field').map((k) => k.status)).toEqual(['retired', 'active']);
    const { rows } = await sql<{ after: Record<string, unknown> }>`
      SELECT after FROM audit_logs WHERE organization_id = ${orgA} AND action = 'encryption_key.rotate'`.execute(owner.withoutPlugins());
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!.after).sort()).toEqual(['id', 'masterKeyId', 'provider', 'purpose', 'retiredAt', 'status', 'version']);
  });

  it('re-encryption moves every value to the active key in batches, interrupted and resumed, losing none', async () => {
    const org = (await anOrganization(createRepositories(owner))).id;
    const texts = Array.from({ length: 230 }, (_, i) => `value ${i} ${randomUUID()}`);
    const ids = await unitOfWork(app, { tenant: org }, async (uow) => {
      const made: string[] = [];
      for (const text of texts) {
        const id = randomUUID();
        await sql`INSERT INTO secret_notes (id, organization_id, body_encrypted) VALUES (${id}, ${org}, ${await keyring.encrypt(uow, field(id), text)})`.execute(uow.trx);
        made.push(id);
      }
      return made;
    });
    // A value that does not decrypt (a byte flipped: setting it to 0 left it intact 1 time in 256) is left alone and counted.
    const broken = ids[7]!;
    await sql`UPDATE secret_notes SET body_encrypted = set_byte(body_encrypted, 39, get_byte(body_encrypted, 39) # 255) WHERE id = ${broken}`.execute(owner);
    await sql`UPDATE secret_notes SET body_encrypted = NULL WHERE id = ${ids[8]!}`.execute(owner);
    const brokenBefore = (await sql<{ b: Buffer }>`SELECT body_encrypted AS b FROM secret_notes WHERE id = ${broken}`.execute(owner)).rows[0]!.b;
    const active = await keyring.rotate(app, { organizationId: org });

    const first = await keyring.reencrypt(app, NOTES, { organizationId: org, batchSize: 40, maxBatches: 2 });
    expect(first).toMatchObject({ batches: 2, interrupted: true });
    expect(first.reencrypted + first.failed).toBe(80);
    const aborted = new AbortController();
    aborted.abort();
    expect(await keyring.reencrypt(app, NOTES, { organizationId: org, signal: aborted.signal })).toMatchObject({ batches: 0, interrupted: true });
    const rest = await keyring.reencrypt(app, NOTES, { organizationId: org, batchSize: 40 });
    expect(rest.interrupted).toBe(false);
    expect(first.reencrypted + rest.reencrypted).toBe(228);
    expect(rest.failed).toBe(1); // met again: it still does not decrypt
    // Every value is on the active key but the broken one, which is as it was; all others open.
    const { rows } = await sql<{ id: string; key: string | null; b: Buffer | null }>`
      SELECT id::text, encode(substring(body_encrypted FROM 2 FOR 16), 'hex') AS key, body_encrypted AS b FROM secret_notes WHERE organization_id = ${org}`.execute(owner);
    for (const row of rows) {
      if (row.id === broken) expect(row.b!.equals(brokenBefore)).toBe(true);
      else if (row.id === ids[8]) expect(row.b).toBeNull();
      else expect(row.key).toBe(active.id.replace(/-/g, ''));
    }
    const fresh = createKeyring({ provider });
    for (const [i, id] of ids.entries()) if (i !== 7 && i !== 8) expect(await read(org, id, fresh)).toBe(texts[i]);
    // Nothing left: a third run does nothing.
    expect(await keyring.reencrypt(app, NOTES, { organizationId: org })).toMatchObject({ reencrypted: 0, failed: 1, interrupted: false });
  });

  it('a rotation made elsewhere: re-encryption moves values to the new key, never back to the one this process cached', async () => {
    const org = (await anOrganization(createRepositories(owner))).id;
    const here = createKeyring({ provider }); // caches the first key as active
    const ids = [await note(org, 'one', here), await note(org, 'two', here)];
    const elsewhere = createKeyring({ provider });
    const rotated = await elsewhere.rotate(app, { organizationId: org });
    const result = await here.reencrypt(app, NOTES, { organizationId: org });
    expect(result).toMatchObject({ reencrypted: 2, failed: 0, interrupted: false });
    const { rows } = await sql<{ key: string }>`
      SELECT encode(substring(body_encrypted FROM 2 FOR 16), 'hex') AS key FROM secret_notes WHERE organization_id = ${org}`.execute(owner);
    expect(rows.map((r) => r.key)).toEqual([rotated.id.replace(/-/g, ''), rotated.id.replace(/-/g, '')]);
    expect(await read(org, ids[1]!, createKeyring({ provider }))).toBe('two');
  });

  it('a rotation in a caller’s transaction that rolls back leaves no key in use', async () => {
    const org = (await anOrganization(createRepositories(owner))).id;
    const ring = createKeyring({ provider });
    await note(org, 'before', ring);
    for (const target of ['scope', 'trx'] as const) {
      await caught(() =>
        unitOfWork(app, { tenant: org }, async (uow) => {
          await ring.rotate(target === 'scope' ? uow : uow.trx, { organizationId: org });
          await ring.encrypt(uow, field(randomUUID()), 'doomed');
          throw new Error('rollback');
        }),
      );
    }
    const id = await note(org, 'after', ring);
    expect(await read(org, id, createKeyring({ provider }))).toBe('after');
    expect((await keysOf(org)).filter((k) => k.purpose === 'field').map((k) => k.status)).toEqual(['active']);
  });

  it('re-wrapping under a new master key, then a switch of provider, keeps every value readable', async () => {
    const org = (await anOrganization(createRepositories(owner))).id;
    const id = await note(org, 'survives two re-wraps');
    const k2 = masterKey();
    const second = createKeyring({ provider: localKeyProvider({ masterKeys: { k1, k2 }, current: 'k2' }) });
    expect(await second.rewrap(app, { organizationId: org, batchSize: 1 })).toBe(2);
    expect((await keysOf(org)).map((k) => k.master_key_id)).toEqual(['k2', 'k2']);
    expect(await second.rewrap(app, { organizationId: org })).toBe(0);
    // Only k2 is needed now.
    const onlyK2 = localKeyProvider({ masterKeys: { k2 }, current: 'k2' });
    expect(await read(org, id, createKeyring({ provider: onlyK2 }))).toBe('survives two re-wraps');
    // A keyring without k1 cannot unwrap a key k1 wrapped: a typed error, not a wrong value.
    const orgC = (await anOrganization(createRepositories(owner))).id;
    const idC = await note(orgC, 'still under k1');
    const missing = await caught(() => read(orgC, idC, createKeyring({ provider: onlyK2 })));
    expect(missing).toBeInstanceOf(KeyProviderError);
    // Another provider (here a second local one under another name, as a KMS would be): the old
    // one unwraps until rewrap has moved the keys.
    const vault: KeyProvider = { ...localKeyProvider({ masterKeys: { v1: masterKey() }, current: 'v1' }), name: 'vault' };
    const switched = createKeyring({ provider: vault, previousProviders: [onlyK2] });
    expect(await read(org, id, switched)).toBe('survives two re-wraps');
    expect(await switched.rewrap(app, { organizationId: org })).toBe(2);
    expect(await read(org, id, createKeyring({ provider: vault }))).toBe('survives two re-wraps');
  });

  it('blind indexes: equal for equal values of one column and tenant, unrelated elsewhere; lookups by equality', async () => {
    const column = { table: 'secret_notes', column: 'body_encrypted' };
    const [a1, a2, aOther, aColumn] = await unitOfWork(app, { tenant: orgA }, async (uow) => [
      await keyring.blindIndex(uow, column, 'alice@example.com'),
      await keyring.blindIndex(uow, column, 'alice@example.com'),
      await keyring.blindIndex(uow, column, 'alice@example.org'),
      await keyring.blindIndex(uow, { ...column, column: 'email_encrypted' }, 'alice@example.com'),
    ]);
    const b1 = await unitOfWork(app, { tenant: orgB }, (uow) => keyring.blindIndex(uow, column, 'alice@example.com'));
    expect(a1).toHaveLength(32);
    expect(a1.equals(a2!)).toBe(true);
    for (const other of [aOther, aColumn, b1]) expect(a1!.equals(other!)).toBe(false);
    // NFC: the same text composed or decomposed has one index.
    const [composed, decomposed] = await unitOfWork(app, { tenant: orgA }, async (uow) => [
      await keyring.blindIndex(uow, column, 'Zoë'),
      await keyring.blindIndex(uow, column, 'Zoe\u0308'),
    ]);
    expect(composed!.equals(decomposed!)).toBe(true);
    const id = await note(orgA, 'find me by equality');
    const found = await unitOfWork(app, { tenant: orgA }, async (uow) => {
      const index = await keyring.blindIndex(uow, column, 'find me by equality');
      return (await sql<{ id: string }>`SELECT id FROM secret_notes WHERE body_index = ${index}`.execute(uow.trx)).rows.map((r) => r.id);
    });
    expect(found).toEqual([id]);
  });

  it('bad arguments are ValidationErrors, before anything is written', async () => {
    const inA = <T>(fn: (uow: { trx: Kysely<DB>; tenant: string | undefined }) => Promise<T>) => unitOfWork(app, { tenant: orgA }, fn);
    const cases: (() => Promise<unknown>)[] = [
      () => unitOfWork(app, {}, (uow) => keyring.encrypt(uow, field(randomUUID()), 'x')),
      () => keyring.encrypt(null as never, field(randomUUID()), 'x'),
      () => inA((uow) => keyring.encrypt(uow, { table: 'Robert"); DROP TABLE x', column: 'c', rowId: randomUUID() }, 'x')),
      () => inA((uow) => keyring.encrypt(uow, { table: 't', column: 'c', rowId: 'not-a-uuid' }, 'x')),
      () => inA((uow) => keyring.encrypt(uow, field(randomUUID()), 42 as never)),
      () => inA((uow) => keyring.encrypt(uow, field(randomUUID()), Buffer.alloc(1024 * 1024 + 1))),
      () => inA((uow) => keyring.blindIndex(uow, { table: 't', column: 'c' }, null as never)),
      () => keyring.rotate(app, { organizationId: 'nope' }),
      () => keyring.rewrap(app, { organizationId: orgA, batchSize: 0 }),
      () => keyring.reencrypt(app, { ...NOTES, column: 'x; --' }, { organizationId: orgA }),
    ];
    for (const run of cases) expect(await caught(run)).toBeInstanceOf(ValidationError);
    expect(() => createKeyring({ provider: {} as never })).toThrow(ValidationError);
    expect(() => createKeyring(null as never)).toThrow(ValidationError);
    expect(() => localKeyProvider({ masterKeys: { k1: 'too short' }, current: 'k1' })).toThrow(ValidationError);
    expect(() => localKeyProvider({ masterKeys: { k1 }, current: 'k9' })).toThrow(ValidationError);
    expect(await caught(() => keyring.encrypt({ trx: app, tenant: orgA }, field(randomUUID()), 'x'))).toBeInstanceOf(ValidationError);
  });
});
