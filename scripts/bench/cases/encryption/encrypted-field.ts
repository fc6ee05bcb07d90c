// An encrypted column against a plaintext one (issue 12): the same unit of work (BEGIN with the
// tenant, one statement, COMMIT) through the package, writing or reading a 64-character secret
// sealed by the keyring (AES-256-GCM in this process, key cached) against the same secret as
// text. Both sides run on the same pool, interleaved; the cases have no repository side of
// their own, so they stay out of issue 9's summary.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { createKeyring, type Keyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { unitOfWork } from '../../../../src/repositories.js';
import { defineCase, type SeedContext } from '../../case.js';
import { seedWorld } from '../identity/world.js';

/** The secret each call writes or reads (a webhook secret's size). */
export const SECRET = `whsec_${randomBytes(48).toString('base64url')}`.slice(0, 64);
const TABLE = 'bench_secrets';
const field = (rowId: string) => ({ table: TABLE, column: 'secret_encrypted', rowId });

interface State {
  readonly organizationId: string;
  readonly keyring: Keyring;
  /** Rows holding the secret both ways, for the reads. */
  readonly ids: readonly string[];
}

/** The table, an organization with its key, and rows to read; once per run. */
function seedSecrets(ctx: SeedContext): Promise<State> {
  return ctx.shared('encryption', async () => {
    const organizations = await seedWorld(ctx);
    const organizationId = organizations[2] ?? organizations[0]!;
    const { db } = ctx.setup;
    await sql`CREATE TABLE IF NOT EXISTS bench_secrets (
      id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations (id),
      secret_text text, secret_encrypted bytea)`.execute(db);
    await sql`CALL org_data_enable_tenant_isolation('bench_secrets')`.execute(db);
    const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { bench: randomBytes(32).toString('base64') }, current: 'bench' }) });
    await keyring.rotate(db, { organizationId });
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    await unitOfWork(db, { tenant: organizationId }, async (uow) => {
      for (const id of ids) {
        const sealed = await keyring.encrypt(uow, field(id), SECRET);
        await sql`INSERT INTO bench_secrets VALUES (${id}, ${organizationId}, ${SECRET}, ${sealed})`.execute(uow.trx);
      }
    });
    await sql`ANALYZE bench_secrets`.execute(db);
    return { organizationId, keyring, ids };
  });
}

/** Inserting a row with the secret: encrypted against as text. */
export const encryptedInsert = defineCase<State>({
  name: 'insert a row with a secret: encrypted (bytea) against plaintext (text)',
  seed: seedSecrets,
  raw: (s, on) => () =>
    unitOfWork(on.db, { tenant: s.organizationId }, (uow) =>
      sql`INSERT INTO bench_secrets (id, organization_id, secret_text) VALUES (${randomUUID()}, ${s.organizationId}, ${SECRET})`.execute(uow.trx),
    ),
  also: {
    encrypted: (s, on) => () =>
      unitOfWork(on.db, { tenant: s.organizationId }, async (uow) => {
        const id = randomUUID();
        const sealed = await s.keyring.encrypt(uow, field(id), SECRET);
        await sql`INSERT INTO bench_secrets (id, organization_id, secret_encrypted) VALUES (${id}, ${s.organizationId}, ${sealed})`.execute(uow.trx);
      }),
  },
  sameSql: async (s, check) => {
    // The encrypted side stores a value that opens to the secret and holds no plaintext.
    await check.run(encryptedInsert.also!.encrypted!, 0);
    await unitOfWork(check.on.db, { tenant: s.organizationId }, async (uow) => {
      const { rows } = await sql<{ id: string; sealed: Buffer }>`
        SELECT id, secret_encrypted AS sealed FROM bench_secrets WHERE secret_encrypted IS NOT NULL AND secret_text IS NULL LIMIT 1`.execute(uow.trx);
      assert.ok(rows[0], 'encryption: the encrypted insert wrote a row');
      assert.equal(rows[0].sealed.includes(Buffer.from(SECRET)), false, 'encryption: no plaintext stored');
      assert.equal(await s.keyring.decryptText(uow, field(rows[0].id), rows[0].sealed), SECRET);
    });
  },
  iterations: 1000,
  warmup: 100,
});

/** Reading the secret of a row: decrypted against as text. */
export const encryptedRead = defineCase<State>({
  name: 'read a row’s secret: decrypted (bytea) against plaintext (text)',
  seed: seedSecrets,
  raw: (s, on) => (i) =>
    unitOfWork(on.db, { tenant: s.organizationId }, async (uow) => {
      const id = s.ids[(i + 1000) % s.ids.length]!;
      const { rows } = await sql<{ secret: string }>`SELECT secret_text AS secret FROM bench_secrets WHERE id = ${id}`.execute(uow.trx);
      return rows[0]!.secret;
    }),
  also: {
    decrypted: (s, on) => (i) =>
      unitOfWork(on.db, { tenant: s.organizationId }, async (uow) => {
        const id = s.ids[(i + 1000) % s.ids.length]!;
        const { rows } = await sql<{ sealed: Buffer }>`SELECT secret_encrypted AS sealed FROM bench_secrets WHERE id = ${id}`.execute(uow.trx);
        return s.keyring.decryptText(uow, field(id), rows[0]!.sealed);
      }),
  },
  sameSql: async (s, check) => {
    const plain = await check.run(encryptedRead.raw, 0);
    const decrypted = await check.run(encryptedRead.also!.decrypted!, 0);
    assert.equal(plain.result, SECRET);
    assert.equal(decrypted.result, SECRET, 'encryption: the read decrypts to the secret');
  },
  iterations: 1000,
  warmup: 100,
});
