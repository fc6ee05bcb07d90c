import { z } from 'zod';
import { AuditContextSchema, type AuditContext } from '../audit/audit-context.js';
import { CANONICAL_UUID, UuidSchema } from '../kernel/common-schemas.js';
import { parseInput } from '../kernel/parse-input.js';
import { lsnPosition, type ReplicaToken } from '../replicas/replica-token.js';
import { RetryOptionsSchema, type RetryOptions } from './retry-options.js';
import { ACCESS_MODES, ISOLATION_LEVELS, type TransactionSettings } from './transaction.js';

/** Options of a unit of work. Every one is optional. */
export interface UnitOfWorkOptions extends TransactionSettings {
  /**
   * The organization the transaction is scoped to (a uuid), set transaction-locally as
   * `app.organization_id` before anything else runs, so row-level security shows and accepts
   * only this organization's rows. On an instance `createDatabase` built, `BEGIN` and
   * `select set_config('app.organization_id', '<uuid>', true)` go in one message (one round
   * trip); on any other Kysely instance `set_config` is the transaction's first statement, with
   * the uuid bound as `$1`. Nested in a transaction, it must be the tenant that transaction is
   * already set to. (Default: none)
   */
  readonly tenant?: string;
  /**
   * Re-run the whole unit of work on a serialization failure (40001) or a deadlock (40P01):
   * a number of attempts in all (1–10) or {@link RetryOptions}. Only the outermost unit of work
   * can retry. (Default: `1`, no retry)
   */
  readonly retry?: number | RetryOptions;
  /** Who acts, recorded on the audit rows the repositories write. (Default: the enclosing unit of work's, or `{}`) */
  readonly context?: AuditContext;
  /**
   * Where the transaction runs: `'replica'` runs it read only on a replica of an instance
   * `createDatabase` built with `replicas` (a write is refused with `ReadOnlyTransactionError`,
   * 25006), chosen as `replicaRouting` says; with no usable replica, or on an instance without
   * replicas, on the primary, read only (or `ReplicaUnavailableError` when `replicaRouting`
   * says `whenUnavailable: 'error'`). Only the outermost unit of work chooses. (Default: `'primary'`)
   */
  readonly readFrom?: 'primary' | 'replica';
  /**
   * Read your writes: a token from `replicaToken`, taken after the write committed. With
   * `readFrom: 'replica'` the unit of work runs on a replica that has replayed at least that far,
   * waiting up to `replicaRouting.readYourWritesTimeoutMs` for one. (Default: none, any usable replica)
   */
  readonly after?: ReplicaToken;
}

const OptionsSchema = z
  .object({
    tenant: UuidSchema.optional(),
    retry: z
      .union([z.int().min(1).max(10).transform((attempts) => RetryOptionsSchema.parse({ attempts })), RetryOptionsSchema])
      .optional(),
    isolationLevel: z.enum(ISOLATION_LEVELS).optional(),
    accessMode: z.enum(ACCESS_MODES).optional(),
    context: AuditContextSchema.optional(),
    readFrom: z.enum(['primary', 'replica']).optional(),
    after: z
      .string()
      .refine((token) => lsnPosition(token) !== undefined, 'must be a token from replicaToken (a WAL position such as 16/B374D848)')
      .optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.after !== undefined && options.readFrom !== 'replica') {
      ctx.addIssue({ code: 'custom', path: ['after'], message: "applies only with readFrom: 'replica'" });
    }
    if (options.readFrom === 'replica' && options.accessMode === 'read write') {
      ctx.addIssue({ code: 'custom', path: ['accessMode'], message: "a unit of work that reads from a replica is read only" });
    }
    if (options.readFrom === 'replica' && options.isolationLevel === 'serializable') {
      ctx.addIssue({ code: 'custom', path: ['isolationLevel'], message: 'a replica cannot run serializable transactions' });
    }
  });

/** Validated {@link UnitOfWorkOptions}. */
export type ResolvedUnitOfWorkOptions = z.output<typeof OptionsSchema>;

const NONE: ResolvedUnitOfWorkOptions = Object.freeze({});


/**
 * Validates unit-of-work options.
 * @throws ValidationError naming every bad option; nothing is sent to the database.
 */
export function resolveUnitOfWorkOptions(options: UnitOfWorkOptions | undefined): ResolvedUnitOfWorkOptions {
  if (typeof options === 'object' && options !== null) {
    // The common calls pass no options or only a tenant: they skip the schema, with the same
    // outcome (a tenant that is not a canonical uuid goes through the schema and fails there).
    const keys = Object.keys(options);
    if (keys.length === 0) return NONE;
    const { tenant } = options;
    if (keys.length === 1 && keys[0] === 'tenant' && typeof tenant === 'string' && CANONICAL_UUID.test(tenant)) {
      return { tenant };
    }
  } else if (options === undefined) {
    return NONE;
  }
  return parseInput(OptionsSchema, options);
}
