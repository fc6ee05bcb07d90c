// The keyring: envelope encryption of field values with per-organization data keys, wrapped by a
// key provider. Values are sealed in JavaScript (node:crypto); the database sees only the
// wrapped keys and the sealed values.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditContext, ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { KEY_BYTES, open, seal } from '../../../core/encryption/aes-gcm.js';
import { associatedData } from '../../../core/encryption/associated-data.js';
import { blindIndexKey, blindIndexOf } from '../../../core/encryption/blind-index.js';
import { decodeEnvelope, encodeEnvelope, envelopeHeader } from '../../../core/encryption/envelope.js';
import type { KeyProvider } from '../../../core/encryption/key-provider.js';
import { DecryptionError, KeyProviderError } from '../../../core/errors/encryption-errors.js';
import { ValidationError, type ValidationIssue } from '../../../core/errors/validation-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import { CANONICAL_UUID } from '../../../core/kernel/common-schemas.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { runUnitOfWork } from '../../../core/unit-of-work/run-unit-of-work.js';
import { resolveUnitOfWorkOptions } from '../../../core/unit-of-work/unit-of-work-options.js';
import type { DB } from '../../../schema/db.js';
import { encryptionKeyCreated, encryptionKeyRotated } from '../integration-events.js';
import { encryptionKeyAggregate, type EncryptionKey, type KeyPurpose } from './encryption-key.js';
import { reencryptColumn } from './reencrypt-column.js';
import {
  defineEncryptedColumn,
  IDENTIFIER,
  scopeTenant,
  type BlindIndexedColumn,
  type CachedKey,
  type EncryptedColumn,
  type EncryptedField,
  type KeyringScope,
  type ReencryptResult,
} from './keyring-types.js';
import { activeKey, insertActiveKey, keyById, keysToRewrap, retireActiveKey, rewrapKey, type KeyRow } from './encryption-key-statements.js';

/** Options of {@link createKeyring}. */
export interface KeyringOptions {
  /** The provider that wraps new data keys (and unwraps the keys it wrapped). */
  readonly provider: KeyProvider;
  /**
   * Providers that only unwrap: the ones keys were wrapped with before a switch of provider (e.g.
   * `local` before `aws-kms`), until `rewrap` has moved every key to `provider`.
   */
  readonly previousProviders?: readonly KeyProvider[];
  /**
   * How long this process keeps encrypting with an organization's active key before reading it
   * again, ms (another process may have rotated it meanwhile; values written with the retired key
   * meanwhile still decrypt and are moved by the next re-encryption). (Default: `60000`)
   */
  readonly activeKeyTtlMs?: number;
  /** Unwrapped data keys kept in memory (least recently used dropped first). (Default: `1000`) */
  readonly cacheSize?: number;
}

/**
 * Options of the key operations {@link Keyring.rotate} and {@link Keyring.rewrap}. They run on a
 * Kysely instance (a transaction of their own, with the organization as the tenant) or in a
 * caller's unit of work (its transaction and audit context; the organization defaults to its
 * tenant).
 */
export interface KeyAdminOptions {
  /** The organization whose keys change (default: the unit of work's tenant). */
  readonly organizationId?: string;
  /** Who acts, recorded on the audit rows (on a Kysely instance; a unit of work has its own). */
  readonly context?: AuditContext;
}

/**
 * Envelope encryption for one service: seals and opens field values, computes blind indexes,
 * rotates and re-wraps data keys, and re-encrypts columns. See {@link createKeyring}.
 */
export interface Keyring {
  /**
   * Seals `plaintext` (text as UTF-8, or bytes; at most 1 MiB) for `field` with the
   * organization's active `field` key, creating the organization's first key (in the caller's
   * transaction, audited, event `encryption_key.created`) when it has none. Store the result in
   * a bytea column.
   * @throws ValidationError for a scope without a tenant, a bad field, or a plaintext that is not text or bytes.
   */
  encrypt(scope: KeyringScope, field: EncryptedField, plaintext: string | Uint8Array): Promise<Buffer>;
  /**
   * Opens a value sealed for `field`.
   * @throws DecryptionError when it was altered, sealed for another row, column or organization, or names an unknown key.
   */
  decrypt(scope: KeyringScope, field: EncryptedField, value: Uint8Array): Promise<Buffer>;
  /** {@link Keyring.decrypt}, as UTF-8 text. */
  decryptText(scope: KeyringScope, field: EncryptedField, value: Uint8Array): Promise<string>;
  /**
   * The blind index (32 bytes) of `value` in `column`: store it beside the encrypted value (with
   * an index) and look values up by equality with the index of the searched value.
   */
  blindIndex(scope: KeyringScope, column: BlindIndexedColumn, value: string): Promise<Buffer>;
  /**
   * Makes a new active key for the organization and purpose and retires the current one (which
   * keeps decrypting); audited (`encryption_key.rotate`) with event `encryption_key.rotated`. New
   * values use the new key at once in this process, in others within `activeKeyTtlMs`. Then run
   * {@link Keyring.reencrypt} for each encrypted column. Blind-index keys are not rotated (every
   * stored index would change): `purpose` is `field`.
   */
  rotate(target: Kysely<DB> | KeyringScope, options?: KeyAdminOptions): Promise<EncryptionKey>;
  /**
   * Wraps every key of the organization that another master key (or provider) wrapped with the
   * keyring's provider's current master key, in batches; audited (`encryption_key.rewrap`). The
   * data keys do not change, so no value is re-encrypted. Returns how many keys were re-wrapped.
   */
  rewrap(target: Kysely<DB> | KeyringScope, options?: KeyAdminOptions & { readonly batchSize?: number }): Promise<number>;
  /**
   * Moves the organization's values of `column` sealed with a retired key to the active key, in
   * batches of `batchSize` rows (default 500), one transaction each: safe to interrupt and run
   * again (a batch is all or nothing; what is done is skipped). Stops after `maxBatches` batches or
   * when `signal` aborts, between batches.
   */
  reencrypt(
    db: Kysely<DB>,
    column: EncryptedColumn,
    options: { readonly organizationId: string; readonly batchSize?: number; readonly maxBatches?: number; readonly signal?: AbortSignal },
  ): Promise<ReencryptResult>;
  /** Forgets the unwrapped keys and active keys this process holds. */
  clearCache(): Promise<void>;
}

/** The most a value may hold. */
const MAX_PLAINTEXT_BYTES = 1024 * 1024;
const PROVIDER_NAME = /^[a-z][a-z0-9-]{0,63}$/;

function checkField(field: EncryptedField, path = 'field'): void {
  const issues: ValidationIssue[] = [];
  if (field === null || typeof field !== 'object') throw new ValidationError([{ path, message: 'must be { table, column, rowId }' }]);
  if (typeof field.table !== 'string' || !IDENTIFIER.test(field.table)) issues.push({ path: `${path}.table`, message: 'must be a table name' });
  if (typeof field.column !== 'string' || !IDENTIFIER.test(field.column)) issues.push({ path: `${path}.column`, message: 'must be a column name' });
  if ('rowId' in field || path === 'field') {
    if (typeof field.rowId !== 'string' || !CANONICAL_UUID.test(field.rowId)) issues.push({ path: `${path}.rowId`, message: 'must be a uuid' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

function organizationArgument(options: { readonly organizationId?: unknown } | undefined): string {
  const id = options?.organizationId;
  if (typeof id !== 'string' || !CANONICAL_UUID.test(id)) throw new ValidationError([{ path: 'options.organizationId', message: 'must be a uuid' }]);
  return id.toLowerCase();
}

function positiveInt(value: unknown, path: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError([{ path, message: `must be an integer from 1 to ${max}` }]);
  }
  return value;
}

function checkProvider(provider: unknown, path: string): KeyProvider {
  const p = provider as KeyProvider | null;
  if (
    p === null ||
    typeof p !== 'object' ||
    typeof p.name !== 'string' ||
    !PROVIDER_NAME.test(p.name) ||
    typeof p.currentMasterKeyId !== 'string' ||
    typeof p.wrap !== 'function' ||
    typeof p.unwrap !== 'function'
  ) {
    throw new ValidationError([{ path, message: 'must be a key provider (localKeyProvider, awsKmsKeyProvider, or { name, currentMasterKeyId, wrap, unwrap })' }]);
  }
  return p;
}

const publicKey = ({ wrappedKey: _, ...key }: KeyRow): EncryptionKey => key;

/**
 * Creates a keyring: envelope encryption for a service, over its key provider. Encrypting and
 * decrypting run in the caller's unit of work (the tenant's keys are read there, and an
 * organization's first key is made there, audited, so it commits or rolls back with the values
 * it sealed); rotation, re-wrapping and re-encryption take the Kysely instance and open their own
 * transactions.
 *
 * ```ts
 * const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { k1: process.env.MASTER_KEY! }, current: 'k1' }) });
 * await unitOfWork(db, { tenant }, async (uow) => {
 *   const secret = await keyring.encrypt(uow, { table: 'webhooks', column: 'secret_encrypted', rowId: id }, 'whsec_…');
 * });
 * ```
 *
 * @throws ValidationError for a bad provider or option.
 */
export function createKeyring(options: KeyringOptions): Keyring {
  if (options === null || typeof options !== 'object') throw new ValidationError([{ path: 'options', message: 'must be an object with a provider' }]);
  const provider = checkProvider(options.provider, 'options.provider');
  const providers = new Map<string, KeyProvider>([[provider.name, provider]]);
  if (options.previousProviders !== undefined && !Array.isArray(options.previousProviders)) {
    throw new ValidationError([{ path: 'options.previousProviders', message: 'must be an array of key providers' }]);
  }
  (options.previousProviders ?? []).forEach((previous, i) => {
    const checked = checkProvider(previous, `options.previousProviders.${i}`);
    if (!providers.has(checked.name)) providers.set(checked.name, checked);
  });
  const activeKeyTtlMs = options.activeKeyTtlMs === 0 ? 0 : positiveInt(options.activeKeyTtlMs, 'options.activeKeyTtlMs', 60_000, 86_400_000);
  const cacheSize = positiveInt(options.cacheSize, 'options.cacheSize', 1000, 1_000_000);

  const keys = new Map<string, CachedKey>();
  const active = new Map<string, { readonly id: string; readonly version: number; readonly until: number }>();
  /** Caches the active key of a slot, never over a newer one (a read that raced a rotation). */
  const setActive = (slot: string, row: KeyRow) => {
    const current = active.get(slot);
    if (current && current.version > row.version && current.until > Date.now()) return;
    active.set(slot, { id: row.id, version: row.version, until: Date.now() + activeKeyTtlMs });
  };
  const columnKeys = new Map<string, Buffer>();
  /** Keys this keyring made in a caller's transaction, by id: not known to be committed until another transaction sees them. */
  const made = new Map<string, object>();

  const remember = (id: string, entry: CachedKey): CachedKey => {
    keys.delete(id);
    keys.set(id, entry);
    if (keys.size > cacheSize) keys.delete(keys.keys().next().value!);
    return entry;
  };

  const unwrap = async (row: KeyRow): Promise<CachedKey> => {
    const cached = keys.get(row.id);
    if (cached) return remember(row.id, cached);
    const unwrapping = providers.get(row.provider);
    if (!unwrapping) throw new KeyProviderError(row.provider, 'unwrap', 'this keyring has no such provider (previousProviders)');
    const key = Buffer.from(
      await unwrapping.unwrap(row.wrappedKey, row.masterKeyId, { organizationId: row.organizationId, keyId: row.id, purpose: row.purpose }),
    );
    if (key.length !== KEY_BYTES) throw new KeyProviderError(row.provider, 'unwrap', 'it did not return a 32-byte key');
    return remember(row.id, { key, organizationId: row.organizationId, purpose: row.purpose });
  };

  /** A new data key, wrapped, inserted as the active one (numbered after the last), audited; nothing when another was made first. */
  const makeKey = async (trx: Kysely<DB>, context: ResolvedAuditContext, organizationId: string, purpose: KeyPurpose, retired?: KeyRow) => {
    const id = randomUUID();
    const dataKey = randomBytes(KEY_BYTES);
    const wrapped = await provider.wrap(dataKey, { organizationId, keyId: id, purpose });
    const [row] = await insertActiveKey(trx, {
      id,
      organizationId,
      purpose,
      provider: provider.name,
      masterKeyId: wrapped.masterKeyId,
      wrappedKey: Buffer.from(wrapped.wrapped),
    });
    if (!row) return undefined;
    const key = publicKey(row);
    const event = retired
      ? domainEvent(encryptionKeyRotated, id, { keyId: id, organizationId, purpose, version: key.version, retiredKeyId: retired.id })
      : domainEvent(encryptionKeyCreated, id, { keyId: id, organizationId, purpose, version: key.version });
    const records = retired
      ? [auditEvent(encryptionKeyAggregate, 'rotate', { entityId: id, organizationId, before: publicKey(retired), after: key, event })]
      : [auditEvent(encryptionKeyAggregate, 'create', { entityId: id, organizationId, after: key, event })];
    await writeAudit(trx, context, ...records);
    remember(id, { key: dataKey, organizationId, purpose });
    return row;
  };

  /**
   * The organization's active key for `purpose`: cached, else read through the scope, else made
   * in the caller's transaction (audited there). A key made in a transaction is cached as the
   * active one only once another transaction has seen it, i.e. once it committed: a caller's
   * rollback takes the key and every value sealed with it, and no later value uses it.
   */
  const activeDataKey = async (scope: KeyringScope, organizationId: string, purpose: KeyPurpose): Promise<{ id: string; key: CachedKey }> => {
    const slot = `${organizationId}/${purpose}`;
    const hit = active.get(slot);
    if (hit && hit.until > Date.now()) {
      const key = keys.get(hit.id);
      if (key) return { id: hit.id, key };
    }
    let [row] = await activeKey(scope.trx, { organizationId, purpose });
    let committed = row !== undefined && made.get(row.id) !== scope.trx;
    if (!row) {
      row = await makeKey(scope.trx, scope.context ?? {}, organizationId, purpose);
      if (row) {
        made.set(row.id, scope.trx);
        if (made.size > cacheSize) made.delete(made.keys().next().value!);
      } else {
        // Another transaction made it first and committed (the insert waited for it).
        [row] = await activeKey(scope.trx, { organizationId, purpose });
        committed = true;
      }
      if (!row) throw new KeyProviderError(provider.name, 'wrap', 'no active key could be made (is the transaction REPEATABLE READ? make keys first: keyring.rotate)');
    }
    const key = await unwrap(row);
    if (committed) {
      made.delete(row.id);
      setActive(slot, row);
    }
    return { id: row.id, key };
  };

  const keyFor = async (scope: KeyringScope, organizationId: string, id: string): Promise<CachedKey> => {
    const cached = keys.get(id);
    if (cached) {
      if (cached.organizationId !== organizationId) throw new DecryptionError('unknown_key');
      return cached;
    }
    const [row] = await keyById(scope.trx, { organizationId, id });
    if (!row) throw new DecryptionError('unknown_key');
    return unwrap(row);
  };

  const fieldAad = (header: Buffer, field: EncryptedField, organizationId: string) =>
    associatedData('org-data/field/v1', header, field.table, field.column, field.rowId.toLowerCase(), organizationId);

  const sealWith = (id: string, key: CachedKey, field: EncryptedField, organizationId: string, bytes: Uint8Array): Buffer => {
    const header = envelopeHeader(id);
    return encodeEnvelope(header, seal(key.key, bytes, fieldAad(header, field, organizationId)));
  };

  const openValue = async (scope: KeyringScope, organizationId: string, field: EncryptedField, value: Uint8Array): Promise<Buffer> => {
    const envelope = decodeEnvelope(value);
    const key = await keyFor(scope, organizationId, envelope.keyId);
    if (key.purpose !== 'field') throw new DecryptionError('unknown_key');
    return open(key.key, envelope, fieldAad(envelope.header, field, organizationId));
  };

  const plaintextBytes = (plaintext: unknown): Uint8Array => {
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext instanceof Uint8Array ? plaintext : undefined;
    if (!bytes) throw new ValidationError([{ path: 'plaintext', message: 'must be text or bytes' }]);
    if (bytes.length > MAX_PLAINTEXT_BYTES) throw new ValidationError([{ path: 'plaintext', message: 'must be at most 1 MiB' }]);
    return bytes;
  };

  /**
   * Runs a key operation in the caller's unit of work (`target` has a `trx`), or in a transaction
   * of its own on a Kysely instance, with the organization as the tenant. `own`: whether it
   * committed on its own.
   */
  const administer = async <T>(
    target: Kysely<DB> | KeyringScope,
    adminOptions: KeyAdminOptions,
    fn: (trx: Kysely<DB>, context: ResolvedAuditContext, organizationId: string) => Promise<T>,
  ): Promise<{ row: T; organizationId: string; own: boolean }> => {
    if (adminOptions === null || typeof adminOptions !== 'object') throw new ValidationError([{ path: 'options', message: 'must be an object' }]);
    if (target !== null && typeof target === 'object' && 'trx' in target) {
      const tenant = adminOptions.organizationId ?? target.tenant;
      const organizationId = organizationArgument({ organizationId: tenant });
      if (!target.trx?.isTransaction) throw new ValidationError([{ path: 'scope', message: 'must be a unit of work (its trx and tenant)' }]);
      return { row: await fn(target.trx, target.context ?? {}, organizationId), organizationId, own: false };
    }
    const organizationId = organizationArgument(adminOptions);
    const db = asPackageDatabase(target as Kysely<DB>);
    const options = resolveUnitOfWorkOptions({ tenant: organizationId, ...(adminOptions.context ? { context: adminOptions.context } : {}) });
    return { row: await runUnitOfWork(db, options, ({ trx, context }) => fn(trx, context, organizationId)), organizationId, own: !db.isTransaction };
  };

  const keyring = withErrorMapping({
    async encrypt(scope: KeyringScope, field: EncryptedField, plaintext: string | Uint8Array) {
      const organizationId = scopeTenant(scope, 'encryption needs');
      checkField(field);
      const bytes = plaintextBytes(plaintext);
      const { id, key } = await activeDataKey(scope, organizationId, 'field');
      return sealWith(id, key, field, organizationId, bytes);
    },
    async decrypt(scope: KeyringScope, field: EncryptedField, value: Uint8Array) {
      const organizationId = scopeTenant(scope, 'encryption needs');
      checkField(field);
      return openValue(scope, organizationId, field, value);
    },
    async decryptText(scope: KeyringScope, field: EncryptedField, value: Uint8Array) {
      const organizationId = scopeTenant(scope, 'encryption needs');
      checkField(field);
      return (await openValue(scope, organizationId, field, value)).toString('utf8');
    },
    async blindIndex(scope: KeyringScope, column: BlindIndexedColumn, value: string) {
      const organizationId = scopeTenant(scope, 'encryption needs');
      checkField(column as EncryptedField, 'column');
      if (typeof value !== 'string') throw new ValidationError([{ path: 'value', message: 'must be text' }]);
      const { id, key } = await activeDataKey(scope, organizationId, 'blind_index');
      const slot = `${id}/${column.table}/${column.column}`;
      let columnKey = columnKeys.get(slot);
      if (!columnKey) {
        columnKey = blindIndexKey(key.key, column.table, column.column);
        columnKeys.set(slot, columnKey);
        if (columnKeys.size > cacheSize) columnKeys.delete(columnKeys.keys().next().value!);
      }
      return blindIndexOf(columnKey, value);
    },
    async rotate(target: Kysely<DB> | KeyringScope, rotateOptions: KeyAdminOptions = {}) {
      const purpose: KeyPurpose = 'field';
      const { row, organizationId, own } = await administer(target, rotateOptions, async (trx, context, organizationId) => {
        const [retired] = await retireActiveKey(trx, { organizationId, purpose });
        // No active key to retire: none was ever made, or a concurrent rotation just made one.
        if (!retired) {
          const [current] = await activeKey(trx, { organizationId, purpose });
          return current ?? (await makeKey(trx, context, organizationId, purpose));
        }
        return makeKey(trx, context, organizationId, purpose, retired);
      });
      if (!row) throw new KeyProviderError(provider.name, 'wrap', 'no active key could be made');
      if (own) setActive(`${organizationId}/${purpose}`, row);
      else {
        // Made in the caller's transaction: not known to be committed yet (see activeDataKey).
        active.delete(`${organizationId}/${purpose}`);
        made.set(row.id, 'trx' in target ? target.trx : target);
      }
      return publicKey(row);
    },
    async rewrap(target: Kysely<DB> | KeyringScope, rewrapOptions: KeyAdminOptions & { readonly batchSize?: number } = {}) {
      const batchSize = positiveInt(rewrapOptions?.batchSize, 'options.batchSize', 100, 10_000);
      let total = 0;
      for (;;) {
        const { row: done } = await administer(target, rewrapOptions, async (trx, context, organizationId) => {
          const rows = await keysToRewrap(trx, { organizationId, provider: provider.name, masterKeyId: provider.currentMasterKeyId, limit: batchSize });
          for (const row of rows) {
            const { key } = await unwrap(row);
            const wrapped = await provider.wrap(key, { organizationId, keyId: row.id, purpose: row.purpose });
            // Else the next batch would select the same keys again, without end.
            if (wrapped.masterKeyId !== provider.currentMasterKeyId) {
              throw new KeyProviderError(provider.name, 'wrap', 'it wrapped with another master key than its currentMasterKeyId');
            }
            const [after] = await rewrapKey(trx, {
              id: row.id,
              provider: provider.name,
              masterKeyId: wrapped.masterKeyId,
              wrappedKey: Buffer.from(wrapped.wrapped),
            });
            await writeAudit(
              trx,
              context,
              auditEvent(encryptionKeyAggregate, 'rewrap', { entityId: row.id, organizationId, before: publicKey(row), after: after && publicKey(after) }),
            );
          }
          return rows.length;
        });
        total += done;
        if (done < batchSize) return total;
      }
    },
    async reencrypt(
      database: Kysely<DB>,
      column: EncryptedColumn,
      reencryptOptions: { readonly organizationId: string; readonly batchSize?: number; readonly maxBatches?: number; readonly signal?: AbortSignal },
    ) {
      const organizationId = organizationArgument(reencryptOptions);
      return reencryptColumn(asPackageDatabase(database), defineEncryptedColumn(column), {
        organizationId,
        batchSize: positiveInt(reencryptOptions.batchSize, 'options.batchSize', 500, 10_000),
        maxBatches: reencryptOptions.maxBatches === undefined ? Infinity : positiveInt(reencryptOptions.maxBatches, 'options.maxBatches', 1, 1_000_000),
        signal: reencryptOptions.signal,
        // Read in each batch's transaction, never from this process's cache: a rotation made by
        // another process must not have values moved back to the key it retired.
        activeKey: async (scope) => {
          const [row] = await activeKey(scope.trx, { organizationId, purpose: 'field' });
          return row ? { id: row.id, key: await unwrap(row) } : undefined;
        },
        open: (scope, field, value) => openValue(scope, organizationId, field, value),
        seal: (id, key, field, bytes) => sealWith(id, key, field, organizationId, bytes),
      });
    },
    async clearCache() {
      keys.clear();
      active.clear();
      columnKeys.clear();
    },
  });
  return keyring;
}

