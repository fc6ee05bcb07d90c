import { Transaction, type CompiledQuery, type QueryResult } from 'kysely';
import type { DatabaseInternals } from '../database/database-internals.js';
import { registerDirectExecutor } from '../kernel/direct-executor.js';
import { UnitExecutor, type UnitConnection } from './unit-connection.js';

/** What a deferred transaction builds its Kysely `Transaction` from, on first need. */
interface DeferredState {
  readonly internals: DatabaseInternals;
  readonly unit: UnitConnection;
  built: Transaction<unknown> | undefined;
}

const STATE = Symbol('org-data.deferred-transaction');

type Deferred = { [STATE]: DeferredState };

/** The Kysely `Transaction` behind `deferred`, built on the first call that needs one. */
function built(deferred: Deferred): Transaction<unknown> {
  const state = deferred[STATE];
  if (state.built === undefined) {
    const { internals, unit } = state;
    const executor = new UnitExecutor(internals.compiler, internals.adapter, unit);
    state.built = new Transaction({ config: internals.config, dialect: internals.dialect, driver: internals.driver, executor });
  }
  return state.built;
}

/** Whether `query` is a builder (it compiles itself) rather than a compiled query. */
const isCompilable = (query: unknown) => typeof (query as { compile?: unknown }).compile === 'function';

/**
 * The prototype of deferred transactions: `Transaction.prototype` underneath (so `instanceof
 * Transaction` holds), with every method and getter of `Transaction`, `Kysely` and Kysely's
 * query creator shadowed by one that forwards to the `Transaction` built on first use. Read
 * from Kysely's prototypes at load, so a method a later Kysely adds is forwarded too.
 */
const prototype: object = (() => {
  const target = Object.create(Transaction.prototype) as Record<PropertyKey, unknown>;
  const chain: object[] = [];
  for (let proto: object | null = Transaction.prototype; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    chain.push(proto);
  }
  for (const proto of chain) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor' || Object.prototype.hasOwnProperty.call(target, key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      if (descriptor.get) {
        Object.defineProperty(target, key, {
          configurable: true,
          get(this: Deferred) {
            return (built(this) as unknown as Record<PropertyKey, unknown>)[key];
          },
        });
      } else if (typeof descriptor.value === 'function') {
        Object.defineProperty(target, key, {
          configurable: true,
          writable: true,
          value(this: Deferred, ...args: unknown[]) {
            return (built(this) as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>)[key]!(...args);
          },
        });
      }
    }
  }
  // Answered without building the Transaction: what every unit of work and compiled statement asks.
  Object.defineProperty(target, 'isTransaction', { configurable: true, get: () => true });
  Object.defineProperty(target, 'executeQuery', {
    configurable: true,
    writable: true,
    value(this: Deferred, query: CompiledQuery, queryId?: unknown): Promise<QueryResult<unknown>> {
      // A compiled query runs on the unit's connection as the Transaction's executor would run
      // it (no plugins: nothing to transform); a builder, or Kysely's deprecated query id, goes
      // through the Transaction itself.
      if (queryId !== undefined || isCompilable(query)) return built(this).executeQuery(query, queryId as never);
      return this[STATE].unit.run(query);
    },
  });
  return target;
})();

/**
 * A unit of work's transaction on `unit`, the connection of a database `createDatabase` built:
 * a `Transaction` to every caller (`instanceof`, every method and getter), whose Kysely object
 * is built only when a method needs one. Compiled statements (every repository's reads and
 * writes) and compiled queries passed to `executeQuery` run on the connection without it, so a
 * unit of work that only uses repositories never builds one (measured: building it was about a
 * fifth of the JavaScript a tenant unit of work with one primary-key read spends).
 */
export function deferredTransaction<D>(internals: DatabaseInternals, unit: UnitConnection): Transaction<D> {
  const deferred = Object.create(prototype) as Deferred;
  deferred[STATE] = { internals, unit, built: undefined };
  registerDirectExecutor(deferred, (query) => unit.rows(query));
  return deferred as unknown as Transaction<D>;
}
