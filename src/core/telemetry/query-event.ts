/**
 * What the `onQuery` hook of `createDatabase` receives after every statement sent to
 * PostgreSQL: names, timings and counts, never row values. Parameters are left out unless the
 * hook was registered with `includeParameters: true`.
 */
export interface QueryEvent {
  /** The prepared statement's name (`od_…`) when it ran as one, else `undefined`. */
  readonly name: string | undefined;
  /**
   * The SQL text as sent, with `$1`, `$2`… placeholders for the parameters. Literals written
   * into the text itself stay (e.g. the tenant uuid in the `begin; select set_config(…)` that
   * opens a unit of work).
   */
  readonly sql: string;
  /** From sending the statement to its answer (or failure), in milliseconds. */
  readonly durationMs: number;
  /**
   * Rows returned (SELECT, RETURNING) or affected (INSERT, UPDATE, DELETE); summed over the
   * statements of a multi-statement text; `undefined` when the statement reports none
   * (BEGIN, SET) or it failed.
   */
  readonly rowCount: number | undefined;
  /** Whether the statement failed. */
  readonly failed: boolean;
  /** The PostgreSQL SQLSTATE it failed with (e.g. `23505`); `undefined` when it did not fail or the failure had none (a lost connection). */
  readonly sqlState: string | undefined;
  /** How many parameters were bound. */
  readonly parameterCount: number;
  /** The bound parameters: present only with `includeParameters: true`. They hold row values. */
  readonly parameters?: readonly unknown[];
}

/** A hook called after every statement (see {@link QueryEvent}). What it throws or rejects with never reaches the query. */
export type QueryHook = (event: QueryEvent) => void | Promise<void>;

/** A {@link QueryHook} with its options. */
export interface QueryHookOptions {
  /** The hook. */
  readonly hook: QueryHook;
  /** Pass the bound parameters (row values!) in {@link QueryEvent.parameters}. (Default: `false`) */
  readonly includeParameters?: boolean;
}

/** The `onQuery` option of `createDatabase`: a hook, or a hook with options. */
export type QueryHookConfig = QueryHook | QueryHookOptions;
