/** Isolation levels a unit of work may start with. */
export const ISOLATION_LEVELS = ['read committed', 'repeatable read', 'serializable'] as const;
/** Access modes a unit of work may start with. */
export const ACCESS_MODES = ['read only', 'read write'] as const;

/** How a new transaction starts: part of its `BEGIN`. */
export interface TransactionSettings {
  /** (Default: the server's, normally read committed) */
  readonly isolationLevel?: (typeof ISOLATION_LEVELS)[number];
  /** `read only` refuses every write of the transaction. (Default: `read write`) */
  readonly accessMode?: (typeof ACCESS_MODES)[number];
}

/** How a new transaction starts, and the tenant it is scoped to before anything else runs. */
export interface TenantTransactionSettings extends TransactionSettings {
  /** The organization (a uuid) set as `app.organization_id` for the transaction. (Default: none) */
  readonly tenant?: string;
  /**
   * Replica reads after a token: a WAL position (`16/B374D848`) the server must have replayed.
   * The first message then fails with SQLSTATE 22012 when it has not (see `beginStatement`).
   */
  readonly replayedAfter?: string;
}
