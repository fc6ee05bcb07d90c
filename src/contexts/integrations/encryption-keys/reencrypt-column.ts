// The re-encryption job: moves one organization's values of an encrypted column from retired
// keys to the active key, a batch of rows per transaction. Rows are walked in id order (keyset);
// a batch locks its rows, rewrites each value under the active key and commits, so an
// interruption loses nothing: what committed is on the new key, the rest still on the old one,
// and a new run skips what is done (it selects only values whose key is not the active one).
import { sql, type Kysely } from 'kysely';
import { DecryptionError } from '../../../core/errors/encryption-errors.js';
import { runUnitOfWork } from '../../../core/unit-of-work/run-unit-of-work.js';
import { resolveUnitOfWorkOptions } from '../../../core/unit-of-work/unit-of-work-options.js';
import { uuidBytes } from '../../../core/encryption/envelope.js';
import type { DB } from '../../../schema/db.js';
import type { CachedKey, EncryptedColumn, EncryptedField, KeyringScope, ReencryptResult } from './keyring-types.js';

/** What the job needs of the keyring that runs it. */
export interface ReencryptWork {
  readonly organizationId: string;
  readonly batchSize: number;
  readonly maxBatches: number;
  readonly signal: AbortSignal | undefined;
  /** The active key as the batch's transaction sees it; `undefined` when the organization has none. */
  readonly activeKey: (scope: KeyringScope) => Promise<{ id: string; key: CachedKey } | undefined>;
  readonly open: (scope: KeyringScope, field: EncryptedField, value: Uint8Array) => Promise<Buffer>;
  readonly seal: (id: string, key: CachedKey, field: EncryptedField, bytes: Uint8Array) => Buffer;
}

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/** Runs the job (see `Keyring.reencrypt`). */
export async function reencryptColumn(db: Kysely<DB>, column: EncryptedColumn, work: ReencryptWork): Promise<ReencryptResult> {
  const table = sql.table(column.table);
  const value = sql.ref(column.column);
  const id = sql.ref(column.idColumn);
  const tenant = sql.ref(column.tenantColumn);
  let after = FIRST_ID;
  let reencrypted = 0;
  let failed = 0;
  let batches = 0;
  let startedWith: string | undefined;
  for (;;) {
    if (batches >= work.maxBatches || work.signal?.aborted) return { reencrypted, failed, batches, interrupted: true };
    const batch = await runUnitOfWork(db, resolveUnitOfWorkOptions({ tenant: work.organizationId }), async (scope) => {
      const active = await work.activeKey(scope);
      if (!active) return { moved: 0, broken: 0, last: undefined, full: false, keyId: undefined };
      const { id: keyId, key } = active;
      const { rows } = await sql<{ id: string; value: Buffer }>`
        SELECT ${id}::text AS id, ${value} AS value FROM ${table}
        WHERE ${tenant} = ${work.organizationId}::uuid AND ${value} IS NOT NULL AND ${id} > ${after}::uuid
          AND substring(${value} FROM 2 FOR 16) <> ${uuidBytes(keyId)}::bytea
        ORDER BY ${id} LIMIT ${work.batchSize}::int
        FOR UPDATE`.execute(scope.trx);
      let moved = 0;
      let broken = 0;
      for (const row of rows) {
        const field = { table: column.table, column: column.column, rowId: row.id };
        let plaintext: Buffer;
        try {
          plaintext = await work.open(scope, field, row.value);
        } catch (error) {
          // A value that does not decrypt stays as it is (counted): the job never drops data.
          if (error instanceof DecryptionError) {
            broken += 1;
            continue;
          }
          throw error;
        }
        const sealed = work.seal(keyId, key, field, plaintext);
        plaintext.fill(0);
        await sql`UPDATE ${table} SET ${value} = ${sealed}::bytea WHERE ${id} = ${row.id}::uuid AND ${tenant} = ${work.organizationId}::uuid`.execute(
          scope.trx,
        );
        moved += 1;
      }
      return { moved, broken, last: rows.at(-1)?.id, full: rows.length === work.batchSize, keyId };
    });
    batches += 1;
    reencrypted += batch.moved;
    failed += batch.broken;
    startedWith ??= batch.keyId;
    // A rotation between batches: what earlier batches passed is on the key it retired; run again.
    const rotated = batch.keyId !== undefined && batch.keyId !== startedWith;
    if (!batch.full || batch.last === undefined) return { reencrypted, failed, batches, interrupted: rotated };
    after = batch.last;
  }
}
