// API keys: made and revoked in a tenant's unit of work (audited, with events), resolved by
// their secret before the tenant is known. The secret is shown once; the database keeps its
// keyed hash (HMAC-SHA256 under the service's hash key), so a copy of the database does not let
// anyone compute a key that resolves.
import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { isoTimestampOf } from './iso.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { ForbiddenError } from '../../../core/errors/forbidden-error.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { TransactionScopeError } from '../../../core/errors/transaction-scope-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { runUnitOfWork } from '../../../core/unit-of-work/run-unit-of-work.js';
import { resolveUnitOfWorkOptions } from '../../../core/unit-of-work/unit-of-work-options.js';
import type { DB } from '../../../schema/db.js';
import { scopeTenant, type KeyringScope } from '../encryption-keys/keyring-types.js';
import { apiKeyCreated, apiKeyRevoked } from '../integration-events.js';
import { apiKeyAggregate, type ApiKey } from './api-key.js';
import { CreateApiKeyInputSchema, type CreateApiKeyInput } from './api-key.inputs.js';
import {
  apiKeyOrganizationLive,
  endKeyLookup,
  insertApiKey,
  listApiKeys,
  lookupApiKey,
  revokeApiKey,
  startKeyLookup,
  touchApiKey,
  type ApiKeyRow,
} from './api-key-statements.js';

/** A key with the names of its permissions. */
export type ApiKeyWithPermissions = ApiKey & { readonly permissions: readonly string[] };

/** What resolving a secret gives: the key, the organization it acts for, its permissions. */
export interface ResolvedApiKey {
  readonly apiKeyId: string;
  readonly organizationId: string;
  readonly name: string;
  readonly permissions: readonly string[];
}

/** API keys of a service (see {@link createApiKeys}). */
export interface ApiKeys {
  /**
   * Makes a key for the unit of work's tenant, carrying `permissions`, each of which the acting
   * user (`context.actorUserId`) must hold; audited (`api_key.create`), event `api_key.created`.
   * Returns the key and its secret: shown this once, never stored.
   * @throws ValidationError for bad input, ForbiddenError without an acting user or when it holds
   *   not every permission (nothing is written either way).
   */
  create(scope: KeyringScope, input: CreateApiKeyInput): Promise<{ readonly apiKey: ApiKeyWithPermissions; readonly secret: string }>;
  /**
   * Revokes a key of the tenant (by the acting user; the first time only, a second call returns
   * it as it is); audited (`api_key.revoke`), event `api_key.revoked`.
   * @throws NotFoundError when the tenant has no such key; ForbiddenError without an acting user.
   */
  revoke(scope: KeyringScope, id: string): Promise<ApiKeyWithPermissions>;
  /** The tenant's keys, newest first (at most 1,000), without secrets. */
  list(scope: KeyringScope): Promise<readonly ApiKeyWithPermissions[]>;
  /**
   * The key a presented secret belongs to, for the application role with no tenant set: its
   * organization and permissions, or `undefined` for an unknown, revoked or expired key, a key
   * of a deleted organization (and for anything not shaped like a secret) — the same answer, by the same statements, so a
   * caller cannot tell them apart. Records the use at most every five minutes.
   * @throws TransactionScopeError in a transaction that already has a tenant.
   */
  resolve(db: Kysely<DB>, secret: string): Promise<ResolvedApiKey | undefined>;
}

/** Options of {@link createApiKeys}. */
export interface ApiKeysOptions {
  /**
   * The key of the secrets' keyed hash: 32 random bytes, base64 (`openssl rand -base64 32`),
   * from the service's secret store. Every process resolving keys needs the same one; changing
   * it makes every key unresolvable.
   */
  readonly hashKey: string;
}

const SECRET = /^pk_(live|test)_[A-Za-z0-9_-]{43}$/;
const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

const fromRow = (row: ApiKeyRow): ApiKeyWithPermissions => ({
  ...row,
  expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt),
  revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt),
  lastUsedAt: row.lastUsedAt === null ? null : new Date(row.lastUsedAt),
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
});

function actorOf(scope: KeyringScope, operation: string): string {
  const actor = scope.context?.actorUserId;
  if (!actor) throw new ForbiddenError(operation, 'needs an acting user (actorUserId)');
  return actor;
}

/**
 * API keys for a service: `create` and `revoke` in a tenant's unit of work, `resolve` of a
 * presented secret before the tenant is known (the application role, no tenant).
 * @throws ValidationError when `hashKey` is not 32 bytes of base64.
 */
export function createApiKeys(options: ApiKeysOptions): ApiKeys {
  if (options === null || typeof options !== 'object' || typeof options.hashKey !== 'string' || !BASE64_32.test(options.hashKey)) {
    throw new ValidationError([{ path: 'options.hashKey', message: 'must be 32 bytes, base64-encoded' }]);
  }
  const hashKey = Buffer.from(options.hashKey, 'base64');
  const hashOf = (secret: string) => createHmac('sha256', hashKey).update(secret, 'utf8').digest();

  return withErrorMapping({
    async create(scope: KeyringScope, input: CreateApiKeyInput) {
      const organizationId = scopeTenant(scope, 'API keys need');
      const data = parseInput(CreateApiKeyInputSchema, input, 'input');
      const creator = actorOf(scope, 'create API key');
      if (data.expiresAt && data.expiresAt.getTime() <= Date.now()) {
        throw new ValidationError([{ path: 'input.expiresAt', message: 'must be in the future' }]);
      }
      const prefix = `pk_${data.environment ?? 'live'}_`;
      const secret = `${prefix}${randomBytes(32).toString('base64url')}`;
      const [result] = await insertApiKey(scope.trx, {
        organizationId,
        name: data.name,
        prefix,
        secretHash: hashOf(secret),
        creator,
        expiresAt: data.expiresAt ?? null,
        permissions: [...new Set(data.permissions)],
      });
      if (!result?.made || !result.key) {
        throw new ForbiddenError('create API key', `the acting user does not hold ${result?.missing.length ?? 0} of the permissions (or they do not exist)`);
      }
      const apiKey = fromRow(result.key);
      await writeAudit(
        scope.trx,
        scope.context ?? {},
        auditEvent(apiKeyAggregate, 'create', {
          entityId: apiKey.id,
          organizationId,
          after: apiKey,
          event: domainEvent(apiKeyCreated, apiKey.id, {
            apiKeyId: apiKey.id,
            organizationId,
            name: apiKey.name,
            prefix,
            permissions: [...apiKey.permissions],
            createdByUserId: creator,
            expiresAt: isoTimestampOf(apiKey.expiresAt),
          }),
        }),
      );
      return { apiKey, secret };
    },
    async revoke(scope: KeyringScope, id: string) {
      const organizationId = scopeTenant(scope, 'API keys need');
      const key = parseInput(UuidSchema, id, 'id');
      const actor = actorOf(scope, 'revoke API key');
      let [row] = await revokeApiKey(scope.trx, { id: key, organizationId, actor });
      // A revocation that committed while this one waited for the row: the statement's snapshot
      // still shows the key unrevoked; the next statement sees the revocation.
      if (row && !row.changed && row.revokedAt === null) [row] = await revokeApiKey(scope.trx, { id: key, organizationId, actor });
      if (!row) throw new NotFoundError(apiKeyAggregate.name);
      const { changed, ...rest } = row;
      const apiKey = fromRow(rest);
      if (changed) {
        await writeAudit(
          scope.trx,
          scope.context ?? {},
          auditEvent(apiKeyAggregate, 'revoke', {
            entityId: apiKey.id,
            organizationId,
            before: { ...apiKey, revokedAt: null, revokedByUserId: null },
            after: apiKey,
            event: domainEvent(apiKeyRevoked, apiKey.id, {
              apiKeyId: apiKey.id,
              organizationId,
              revokedByUserId: actor,
              revokedAt: isoTimestampOf(apiKey.revokedAt)!,
            }),
          }),
        );
      }
      return apiKey;
    },
    async list(scope: KeyringScope) {
      const organizationId = scopeTenant(scope, 'API keys need');
      return (await listApiKeys(scope.trx, { organizationId })).map(fromRow);
    },
    async resolve(database: Kysely<DB>, secret: string) {
      const db = asPackageDatabase(database);
      if (typeof secret !== 'string') throw new ValidationError([{ path: 'secret', message: 'must be a string' }]);
      // Not shaped like a secret: hashed all the same (the same work as for a key that is not found).
      const hash = hashOf(SECRET.test(secret) ? secret : `x${secret.slice(0, 200)}`).toString('hex');
      const read = async (trx: Kysely<DB>, own: boolean): Promise<ResolvedApiKey | undefined> => {
        const [started] = await startKeyLookup(trx, { hash });
        if (started?.tenant) {
          await startKeyLookup(trx, { hash: '' });
          throw new TransactionScopeError('resolving an API key runs before a tenant is set: the transaction is scoped to an organization');
        }
        try {
          const [found] = await lookupApiKey(trx, { hash });
          if (!found || !SECRET.test(secret)) return undefined;
          const [organization] = await apiKeyOrganizationLive(trx, { id: found.organizationId });
          if (!organization?.live) return undefined;
          if (found.stale) await touchApiKey(trx, { id: found.id });
          return { apiKeyId: found.id, organizationId: found.organizationId, name: found.name, permissions: found.permissions };
        } finally {
          if (!own) await endKeyLookup(trx, {}).catch(() => undefined);
        }
      };
      return db.isTransaction ? read(db, false) : runUnitOfWork(db, resolveUnitOfWorkOptions(undefined), ({ trx }) => read(trx, true));
    },
  });
}
