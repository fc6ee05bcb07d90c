import {
  CompiledQuery,
  createQueryId,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type RawBuilder,
} from 'kysely';
import type { DB } from '../../schema/db.js';
import { ValidationError } from '../errors/validation-error.js';
import { directExecutor, directFirstExecutor } from './direct-executor.js';
import { statementName } from './statement-name.js';

/** Marks a parameter slot while the query is compiled; NUL cannot occur in real text values. */
const SLOT = '\u0000org-data-slot:';

/**
 * A Kysely instance that only builds and compiles (PostgreSQL dialect, no connection): statements
 * are compiled once per process, not once per repository or transaction.
 */
const compiler = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * The query id of statements run by a direct executor: nothing keys results by it there (no
 * plugins), so one id serves them all instead of a random string per call.
 */
const DIRECT_QUERY_ID = createQueryId();

/** The rows of an executor's result. */
const rowsOf = <R>(result: { readonly rows: R[] }): R[] => result.rows;

/** The first of `rows`, `undefined` when there is none. */
const firstOf = <R>(rows: R[]): R | undefined => rows[0];

/** Something that runs compiled queries: a Kysely instance or a transaction, of any database type. */
export interface QueryExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<{ readonly rows: R[] }>;
}

/**
 * A compiled query that may run as a named server-side prepared statement: the drivers of
 * `createDatabase` instances send it with pg's `name` (parsed and planned once per connection)
 * unless prepared statements are turned off; other drivers ignore `name`.
 */
interface NamedCompiledQuery<R = unknown> extends CompiledQuery<R> {
  /** The prepared statement's name (see {@link statementName}). */
  readonly name: string;
}

/** The prepared-statement name of `query`, when it is a {@link NamedCompiledQuery}. */
export function preparedName(query: CompiledQuery): string | undefined {
  const name = (query as Partial<NamedCompiledQuery>).name;
  return typeof name === 'string' ? name : undefined;
}

/** Options of {@link compiledQuery} and {@link compiledShapes}. */
export interface CompiledQueryOptions {
  /**
   * Run the statement as a named prepared statement (when the database's prepared statements
   * are on). Turn it off for a statement whose best plan depends on its parameter values more
   * than a generic plan can know (a caller-supplied jsonb containment filter whose selectivity
   * varies by orders of magnitude): it is then planned on every call, still compiled once.
   * (Default: `true`)
   */
  readonly prepared?: boolean;
}

/** A statement compiled once, run with whichever executor the caller passes. */
export interface CompiledStatement<P, R> {
  /** Runs the statement on `db` (a Kysely instance or transaction) with `params`; the rows. */
  (db: QueryExecutor, params: P): Promise<R[]>;
  /** The SQL text (compiles the statement on first access). */
  readonly sql: string;
  /** The prepared statement's name (compiles the statement on first access). */
  readonly name: string;
  /**
   * The named parameter at each position of the SQL (`$1` first; `undefined` where the
   * declaration put a constant), compiling the statement on first access: the order
   * {@link CompiledStatement.positional} takes its values in.
   */
  readonly slots: readonly (string | undefined)[];
  /**
   * Runs the statement with its values given by position, in the order of {@link slots}, one
   * value for every position (a constant's position too: it is not filled in): for a caller
   * that builds many parameters per call (the audit insert) and would otherwise fill an object
   * of them only for it to be read back by name. The array is sent as it is.
   */
  positional(db: QueryExecutor, parameters: unknown[]): Promise<R[]>;
  /**
   * Runs the statement as a call does and answers with its first row, `undefined` when there is
   * none: for reads of one row by key. On a `createDatabase` instance the pool's driver answers
   * with that row itself (one promise fewer than picking it out of the rows).
   */
  first(db: QueryExecutor, params: P): Promise<R | undefined>;
}

/**
 * Declares a statement at module scope: `build` runs once, on first use, with a compile-only
 * Kysely instance and stand-ins for the named parameters; afterwards every call only binds new
 * values and runs the fixed SQL on the executor it is given, so the compiled text survives every
 * transaction and unit of work (measured at 25–55 µs saved per call against building and
 * compiling with Kysely on each call).
 *
 * Each parameter must reach the query as a plain value (not inspected, concatenated or branched
 * on), so that it becomes exactly one bound parameter. The executor's plugins still transform
 * results; the SQL is the PostgreSQL dialect's.
 *
 * @throws Error at first use when a named parameter did not end up as a bound parameter (a
 *   programming error in the declaration, found by the first test that runs it).
 *
 * @example
 * const userById = compiledQuery((db, p: { id: string }) =>
 *   db.selectFrom('users').select(['id', 'email']).where('id', '=', p.id));
 * const [row] = await userById(trx, { id });
 */
export function compiledQuery<P extends Record<string, unknown>, R>(
  build: (db: Kysely<DB>, params: P) => Compilable<R> | RawBuilder<R>,
  options: CompiledQueryOptions = {},
): CompiledStatement<P, R> {
  const prepared = options.prepared ?? true;
  let compiled:
    | { sql: string; name: string; query: CompiledQuery['query']; slots: readonly (string | { value: unknown })[] }
    | undefined;

  const compile = () => {
    const used = new Set<string>();
    const standIns = new Proxy({} as P, {
      get: (_, key) => {
        used.add(String(key));
        return `${SLOT}${String(key)}`;
      },
    });
    // Query builders compile with their own executor; raw `sql` builders need one passed.
    const query = (build(compiler, standIns) as { compile(db?: Kysely<DB>): CompiledQuery }).compile(compiler);
    const slots = query.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(SLOT) ? value.slice(SLOT.length) : { value },
    );
    for (const key of used) {
      if (!slots.includes(key)) throw new Error(`compiledQuery: parameter ${key} is not a bound parameter`);
    }
    return { sql: query.sql, name: statementName(query.sql), query: CompiledQuery.raw(query.sql).query, slots };
  };

  /** The statement to send with `parameters` (in position order); `direct`: on a direct executor. */
  const statementWith = (parameters: unknown[], direct: boolean): CompiledQuery<R> => {
    const { sql, name, query } = compiled!;
    // On a direct executor nothing keys results by the query id (see DIRECT_QUERY_ID).
    const queryId = direct ? DIRECT_QUERY_ID : createQueryId();
    if (!prepared) return { sql, query, parameters, queryId };
    const named: NamedCompiledQuery<R> = { sql, name, query, parameters, queryId };
    return named;
  };

  /** Sends the compiled statement with `parameters` (in position order) on `db`: the rows. */
  const send = (db: QueryExecutor, parameters: unknown[]): Promise<R[]> => {
    // createDatabase instances and their units of work: straight to the connection, without
    // Kysely's executor layers (plugin-free instances: there is no result to transform, and no
    // query id to key it by).
    const direct = directExecutor(db);
    return direct ? direct<R>(statementWith(parameters, true)) : db.executeQuery<R>(statementWith(parameters, false)).then(rowsOf);
  };

  /** The values of `params` in position order (constants where the declaration put them). */
  const bind = (params: P): unknown[] => {
    const { slots } = compiled!;
    const parameters: unknown[] = new Array(slots.length);
    for (let k = 0; k < slots.length; k += 1) {
      const slot = slots[k]!;
      parameters[k] = typeof slot === 'string' ? params[slot] : slot.value;
    }
    return parameters;
  };

  // Not async: the rows come straight from the executor's promise (no frame of its own).
  const run = (db: QueryExecutor, params: P): Promise<R[]> => {
    try {
      compiled ??= compile();
      return send(db, bind(params));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const first = (db: QueryExecutor, params: P): Promise<R | undefined> => {
    try {
      compiled ??= compile();
      const parameters = bind(params);
      const direct = directFirstExecutor(db);
      return direct ? direct<R>(statementWith(parameters, true)) : send(db, parameters).then(firstOf);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const positional = (db: QueryExecutor, parameters: unknown[]): Promise<R[]> => {
    try {
      compiled ??= compile();
      if (!Array.isArray(parameters) || parameters.length !== compiled.slots.length) {
        throw new ValidationError([{ path: 'parameters', message: `must be an array of ${compiled.slots.length} values` }]);
      }
      return send(db, parameters);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  Object.defineProperty(run, 'sql', {
    get: () => (compiled ??= compile()).sql,
  });
  Object.defineProperty(run, 'name', {
    get: () => (compiled ??= compile()).name,
  });
  Object.defineProperty(run, 'slots', {
    get: () => (compiled ??= compile()).slots.map((slot) => (typeof slot === 'string' ? slot : undefined)),
  });
  Object.defineProperty(run, 'positional', { value: positional });
  Object.defineProperty(run, 'first', { value: first });
  return run as CompiledStatement<P, R>;
}

/** Options of {@link compiledShapes}: {@link CompiledQueryOptions}, `prepared` decided per shape if need be. */
export interface CompiledShapesOptions<S extends string> {
  /** See {@link CompiledQueryOptions.prepared}; a function decides per shape. (Default: `true`) */
  readonly prepared?: boolean | ((shape: S) => boolean);
}

/** A family of statements of one query whose shape varies (optional filters, edit patches). */
export interface CompiledShapes<S extends string, P, R> {
  /** Runs the statement of `shape` on `db` with `params` (compiled on the shape's first call). */
  (db: QueryExecutor, shape: S, params: P): Promise<R[]>;
  /** The statement of `shape` (compiled on first access). */
  statement(shape: S): CompiledStatement<P & Record<string, unknown>, R>;
}

/**
 * Declares a statement whose SQL depends on a shape key (which optional filters are present,
 * which columns an edit sets): one {@link compiledQuery} per shape, compiled on the shape's
 * first use and kept for the process. The key must come from a small fixed set (built from
 * field names, never from values), so that the number of statements, and of prepared
 * statements per connection, stays bounded.
 *
 * @example
 * const pending = compiledShapes((db, p: { org: string; unit?: string }, shape: 'all' | 'unit') => {
 *   let q = db.selectFrom('user_staff_profiles').select('user_id').where('organization_id', '=', p.org);
 *   if (shape === 'unit') q = q.where('unit_id', '=', p.unit!);
 *   return q;
 * });
 * await pending(trx, input.unit ? 'unit' : 'all', input);
 */
export function compiledShapes<S extends string, P extends Record<string, unknown>, R>(
  build: (db: Kysely<DB>, params: P, shape: S) => Compilable<R> | RawBuilder<R>,
  options: CompiledShapesOptions<S> = {},
): CompiledShapes<S, P, R> {
  const statements = new Map<S, CompiledStatement<P, R>>();
  const statement = (shape: S): CompiledStatement<P, R> => {
    let found = statements.get(shape);
    if (!found) {
      const prepared = typeof options.prepared === 'function' ? options.prepared(shape) : options.prepared;
      found = compiledQuery((db, params: P) => build(db, params, shape), { prepared });
      statements.set(shape, found);
    }
    return found;
  };
  const run = (db: QueryExecutor, shape: S, params: P) => statement(shape)(db, params);
  return Object.assign(run, { statement }) as CompiledShapes<S, P, R>;
}
