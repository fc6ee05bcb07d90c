import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { ConfigurationError } from '../config/configuration-error.js';
import type { QueryEvent, QueryHook, QueryHookConfig } from './query-event.js';

/** The hook, made safe to call, and whether it sees parameters. */
interface Observer {
  readonly report: (event: QueryEvent) => void;
  readonly includeParameters: boolean;
}

/** What pg answers to one statement (an array of these to a multi-statement text). */
interface PgAnswer {
  readonly rowCount?: number | null;
}

/** The first argument of `client.query` in its promise forms. */
interface QueryConfig {
  readonly text?: unknown;
  readonly name?: unknown;
  readonly values?: unknown;
  readonly submit?: unknown;
}

/** Reads the `onQuery` option. @throws ConfigurationError when it is neither a function nor `{ hook, includeParameters? }`. */
function observerOf(config: QueryHookConfig): Observer {
  if (typeof config === 'function') return { report: guarded(config), includeParameters: false };
  const { hook, includeParameters } = (config ?? {}) as { hook?: unknown; includeParameters?: unknown };
  const issues = [];
  if (typeof hook !== 'function') issues.push({ path: 'onQuery', message: 'must be a function or { hook, includeParameters }' });
  if (includeParameters !== undefined && typeof includeParameters !== 'boolean') {
    issues.push({ path: 'onQuery.includeParameters', message: 'must be true or false' });
  }
  if (issues.length > 0) throw new ConfigurationError(issues);
  return { report: guarded(hook as QueryHook), includeParameters: includeParameters === true };
}

/**
 * `hook`, called so that nothing it throws (or rejects with) reaches the query: the first
 * failure is reported once as a process warning naming only the error's class (its message may
 * hold whatever the hook was looking at), later ones are ignored.
 */
function guarded(hook: QueryHook): (event: QueryEvent) => void {
  let warned = false;
  const warn = (error: unknown) => {
    if (warned) return;
    warned = true;
    const kind = error instanceof Error ? error.name : typeof error;
    process.emitWarning(
      `the onQuery hook failed (${kind}); the query was not affected, and further failures of this hook are not reported`,
      { type: 'OrgDataWarning', code: 'ORG_DATA_QUERY_HOOK' },
    );
  };
  return (event) => {
    try {
      const result = hook(event) as unknown;
      if (result !== null && typeof result === 'object' && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).then(undefined, warn);
      }
    } catch (error) {
      warn(error);
    }
  };
}

/** Rows returned or affected, summed over the statements of a multi-statement answer. */
function rowCountOf(answer: PgAnswer | readonly PgAnswer[] | undefined): number | undefined {
  const answers = Array.isArray(answer) ? (answer as readonly PgAnswer[]) : [answer as PgAnswer | undefined];
  let total: number | undefined;
  for (const one of answers) {
    if (typeof one?.rowCount === 'number') total = (total ?? 0) + one.rowCount;
  }
  return total;
}

function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Replaces `client.query` of one pooled pg client by one that reports every statement of the
 * promise forms (`query(text, values)`, `query({ name, text, values })`) and of the callback
 * forms (the same with a callback last, as the package's driver and `pool.query` send them) to
 * `observer` once it settled. The submittable (cursor) form passes through unobserved. The
 * client object itself stays the one the pool handed out, so everything keyed by it (the
 * driver's connection per client) and every other member are untouched.
 */
function observeClient(client: pg.PoolClient, observer: Observer): void {
  const query = client.query as (...args: unknown[]) => unknown;
  const observed = (...args: unknown[]): unknown => {
    const [first, second] = args;
    const config = (typeof first === 'object' && first !== null ? first : undefined) as QueryConfig | undefined;
    const last = args.length - 1;
    const callback = typeof args[last] === 'function' ? (args[last] as (error: unknown, answer: unknown) => void) : undefined;
    if (typeof config?.submit === 'function') {
      return query.apply(client, args);
    }
    const sql = typeof first === 'string' ? first : typeof config?.text === 'string' ? config.text : '';
    const name = typeof config?.name === 'string' ? config.name : undefined;
    const values = Array.isArray(second) ? second : Array.isArray(config?.values) ? (config.values as unknown[]) : [];
    const started = performance.now();
    const settle = (failed: boolean, rowCount: number | undefined, sqlState: string | undefined) => {
      const event: { -readonly [K in keyof QueryEvent]: QueryEvent[K] } = {
        name,
        sql,
        durationMs: performance.now() - started,
        rowCount,
        failed,
        sqlState,
        parameterCount: values.length,
      };
      if (observer.includeParameters) event.parameters = values;
      observer.report(event);
    };
    if (callback !== undefined) {
      const observedArgs = [...args];
      observedArgs[last] = (error: unknown, answer: unknown) => {
        if (error) settle(true, undefined, sqlStateOf(error));
        else settle(false, rowCountOf(answer as PgAnswer | PgAnswer[]), undefined);
        callback(error, answer);
      };
      try {
        return query.apply(client, observedArgs);
      } catch (error) {
        settle(true, undefined, sqlStateOf(error));
        throw error;
      }
    }
    let pending: Promise<PgAnswer | PgAnswer[]>;
    try {
      pending = query.apply(client, args) as Promise<PgAnswer | PgAnswer[]>;
    } catch (error) {
      settle(true, undefined, sqlStateOf(error));
      throw error;
    }
    return pending.then(
      (answer) => {
        settle(false, rowCountOf(answer), undefined);
        return answer;
      },
      (error: unknown) => {
        settle(true, undefined, sqlStateOf(error));
        throw error;
      },
    );
  };
  Object.defineProperty(client, 'query', { value: observed, writable: true, configurable: true, enumerable: false });
}

/**
 * Calls the `onQuery` hook of `createDatabase` after every statement any client of `pool`
 * sends: each new client's `query` is wrapped once, when the pool connects it. Without a hook
 * the pool is returned untouched (no cost per statement).
 *
 * @throws ConfigurationError when `config` is neither a function nor `{ hook, includeParameters? }`.
 */
export function observeQueries(pool: pg.Pool, config: QueryHookConfig | undefined): pg.Pool {
  if (config === undefined) return pool;
  const observer = observerOf(config);
  pool.on('connect', (client) => observeClient(client, observer));
  return pool;
}
