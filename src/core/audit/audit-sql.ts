// Audit rows written by the statement that makes the change: SQL for a data-modifying CTE that
// inserts into audit_logs from the change's RETURNING, so the row exists exactly when the change
// applied (one statement, one transaction). The snapshots are built in SQL exactly as
// `snapshotFields` builds them in JS.
import { sql, type Compilable, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { AggregateDescriptor } from '../kernel/aggregate.js';
import { ConnectionLostError, CommitOutcomeUnknownError } from '../errors/operational-errors.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import type { ResolvedAuditContext } from './audit-context.js';

/** The fields of `E` that hold timestamps (`Date`, `Date | null`). */
type TimestampFields<E> = {
  [K in keyof E & string]-?: NonNullable<E[K]> extends Date ? K : never;
}[keyof E & string];

/** Every timestamp field of `E`, named once (the compiler checks that none is missing). */
export type TimestampFieldSet<E> = { readonly [K in TimestampFields<E>]: true };

/**
 * A timestamp as JSON text the way JS `Date.prototype.toISOString()` writes the `Date` pg parses
 * it into: UTC, milliseconds truncated (as pg's parser truncates microseconds), `Z`; `NULL`
 * stays `NULL`.
 */
export function isoTimestamp(value: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * `jsonb_build_object(…)` of an aggregate's audited fields, in the order of its whitelist, from
 * `source` (field → SQL value): what `snapshotFields(aggregate.audited, row)` gives in JS. A
 * field `source` lacks is left out, as `snapshotFields` leaves out a field the row lacks.
 */
export function snapshotSql<E extends object>(
  aggregate: AggregateDescriptor<E, string, string, string>,
  source: { readonly [K in keyof E & string]?: RawBuilder<unknown> },
): RawBuilder<unknown> {
  const pairs = aggregate.audited.flatMap((field) => {
    const value = source[field];
    return value ? [sql`${sql.lit(field)}, ${value}`] : [];
  });
  return sql`jsonb_build_object(${sql.join(pairs)})`;
}

/**
 * The SQL values of a row of the aggregate's table under `alias` (`alias.column` per mapped
 * field), timestamps written as {@link isoTimestamp}: the source of {@link snapshotSql} for a
 * row read or returned in the statement.
 */
export function rowSource<E extends object>(
  aggregate: AggregateDescriptor<E, string, string, string>,
  alias: string,
  timestamps: TimestampFieldSet<E>,
): { readonly [K in keyof E & string]?: RawBuilder<unknown> } {
  const source: Record<string, RawBuilder<unknown>> = {};
  for (const [field, column] of Object.entries(aggregate.columns) as [string, string][]) {
    const ref = sql.ref(`${alias}.${column}`);
    source[field] = field in timestamps ? isoTimestamp(ref) : sql`${ref}`;
  }
  return source as { readonly [K in keyof E & string]?: RawBuilder<unknown> };
}

/** The audit context as the bound parameters of an audit row (absent → `null`). */
export type AuditContextParams = {
  readonly actorUserId: string | null;
  readonly requestId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
};

/**
 * The audit context's values, to bind. Spread them after a statement's own named parameters
 * (`{ id, ...auditContextParams(context) }`), not first: on Node 20 (V8 11.3) an object literal
 * that starts with a spread of another object and then gets another key (a named property, a
 * second spread, an assignment, `Object.freeze`) is given a hidden class of its own, allocated
 * in old space on every call (about 1 µs per added key, and garbage for the major collector);
 * named keys first keep one shared hidden class. Node 22 and later do not have the problem.
 */
export function auditContextParams(context: ResolvedAuditContext): AuditContextParams {
  return {
    actorUserId: context.actorUserId ?? null,
    requestId: context.requestId ?? null,
    ip: context.ip ?? null,
    userAgent: context.userAgent ?? null,
    correlationId: context.correlationId ?? null,
    causationId: context.causationId ?? null,
  };
}

/** One audit row written by a statement, from a relation of that statement (a CTE's RETURNING). */
export interface AuditRowSql<E extends object, A extends string> {
  /** The aggregate whose action it records. */
  readonly aggregate: AggregateDescriptor<E, string, A, string>;
  /** The action (a literal in the statement, as `<actionPrefix>.<action>`). */
  readonly action: NoInfer<A>;
  /** The relations the row comes from: one audit row per row of them (`u CROSS JOIN c`). */
  readonly from: RawBuilder<unknown>;
  /** The tenant (`PLATFORM_ORGANIZATION_ID` for a global entity). */
  readonly organizationId: RawBuilder<unknown>;
  /** The entity's id. */
  readonly entityId: RawBuilder<unknown>;
  /** The snapshot before (see {@link snapshotSql}); absent: `NULL`. */
  readonly before?: RawBuilder<unknown>;
  /** The snapshot after; absent: `NULL`. */
  readonly after?: RawBuilder<unknown>;
}

/** Declares an {@link AuditRowSql} (infers the aggregate's types). */
export function auditRow<E extends object, A extends string>(row: AuditRowSql<E, A>): AuditRowSql<object, string> {
  return row as unknown as AuditRowSql<object, string>;
}

/**
 * `INSERT INTO audit_logs … SELECT …` of `rows` (in that order, one per row of each one's
 * relation), for a data-modifying CTE: action and entity type are literals, the audit context
 * the bound parameters `context` stands for (a `compiledQuery`'s params), bound once.
 */
export function auditInsertSql(rows: readonly AuditRowSql<object, string>[], context: AuditContextParams): RawBuilder<unknown> {
  const selects = rows.map(
    (row) => sql`SELECT ${row.organizationId} AS organization_id, ${sql.lit(
      `${row.aggregate.actionPrefix ?? row.aggregate.name}.${row.action}`,
    )} AS action, ${sql.lit(row.aggregate.name)} AS entity_type, ${row.entityId} AS entity_id, ${
      row.before ?? sql`NULL::jsonb`
    } AS before, ${row.after ?? sql`NULL::jsonb`} AS after FROM ${row.from}`,
  );
  return sql`INSERT INTO audit_logs (organization_id, actor_user_id, action, entity_type, entity_id, before, after, request_id, ip, user_agent)
      SELECT e.organization_id, ${context.actorUserId}::uuid, e.action, e.entity_type, e.entity_id, e.before, e.after,
        ${context.requestId}::text, ${context.ip}::inet, ${context.userAgent}::text
      FROM (${sql.join(selects, sql` UNION ALL `)}) AS e`;
}

/**
 * Runs a write that is one statement. In the caller's transaction it is just that statement;
 * outside one it commits by itself (autocommit), so a connection lost while it ran leaves the
 * outcome unknown, as a lost COMMIT does: {@link CommitOutcomeUnknownError}. Errors are mapped.
 */
export async function runWriteStatement<T>(inTransaction: boolean, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const mapped = mapDatabaseError(error);
    if (!inTransaction && mapped instanceof ConnectionLostError) {
      throw new CommitOutcomeUnknownError({ sqlState: mapped.sqlState });
    }
    throw mapped;
  }
}

/**
 * A raw statement as a `compiledQuery` declaration returns it: compiled on `db` (the
 * compile-only instance `compiledQuery` passes), its whitespace collapsed to one line (no
 * space after `(` or before `)`), so the text is the same however the template is indented.
 * Its literals must not hold significant whitespace.
 */
export function compilableSql<R>(db: Kysely<any>, query: RawBuilder<R>): Compilable<R> {
  return {
    compile: (): CompiledQuery<R> => {
      const compiled = query.compile(db);
      const text = compiled.sql.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
      return { ...compiled, sql: text };
    },
  };
}
