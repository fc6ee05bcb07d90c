import type { Kysely, Transaction } from 'kysely';
import { AuditContextSchema, type AuditContext, type ResolvedAuditContext } from '../audit/audit-context.js';
import { ValidationError } from '../errors/validation-error.js';
import { parseInput } from '../kernel/parse-input.js';
import { activeTracing } from '../telemetry/open-telemetry.js';
import { tracedRepository } from '../telemetry/traced-repository.js';
import type { DB } from '../../schema/db.js';
import { runUnitOfWork, type UnitOfWorkScope } from './run-unit-of-work.js';
import { resolveUnitOfWorkOptions, type ResolvedUnitOfWorkOptions, type UnitOfWorkOptions } from './unit-of-work-options.js';

/** What a repository factory is given: the database handle to work on and who acts. */
export interface RepositoryScope {
  /** A Kysely instance, or the unit of work's transaction. */
  readonly db: Kysely<DB>;
  /** Who acts, recorded on audit rows. */
  readonly context: ResolvedAuditContext;
}

/** Builds one repository for a scope. Called at most once per unit of work, on first use. */
export type RepositoryFactory<R> = (scope: RepositoryScope) => R;

/** Named repository factories: the repositories a unit of work offers. */
export type RepositoryFactories = { readonly [name: string]: RepositoryFactory<unknown> };

/** The repositories built from factories `F`. */
export type RepositoriesOf<F extends RepositoryFactories> = { readonly [K in keyof F]: ReturnType<F[K]> };

/** Repositories over a database handle, built when first touched, with a way to start a unit of work. */
export type RepositorySet<D extends DB, F extends RepositoryFactories> = RepositoriesOf<F> & {
  /**
   * Runs `fn` as a unit of work with these repositories' audit context (a thin wrapper over
   * `unitOfWork(db, { context }, …)`): a new transaction, or a savepoint when the handle is
   * already a transaction.
   */
  transaction<T>(fn: (tx: UnitOfWork<D, F>, trx: Transaction<D>) => Promise<T>): Promise<T>;
};

/** The handle a unit of work's function receives. */
export type UnitOfWork<D extends DB, F extends RepositoryFactories> = RepositorySet<D, F> & {
  /** The transaction: inside a unit of work, use only this handle (or the repositories). */
  readonly trx: Transaction<D>;
  /** The organization the transaction is scoped to, when known. */
  readonly tenant: string | undefined;
  /** Who acts, recorded on the audit rows the repositories write. */
  readonly context: ResolvedAuditContext;
};

/** The work of a unit of work. */
export type UnitOfWorkWork<D extends DB, F extends RepositoryFactories, T> = (uow: UnitOfWork<D, F>) => Promise<T>;

/** `unitOfWork(db, options?, fn)`, bound to a set of repositories. */
export interface UnitOfWorkFunction<F extends RepositoryFactories> {
  <D extends DB, T>(db: Kysely<D>, fn: UnitOfWorkWork<D, F, T>): Promise<T>;
  <D extends DB, T>(db: Kysely<D>, options: UnitOfWorkOptions, fn: UnitOfWorkWork<D, F, T>): Promise<T>;
}

/** A unit-of-work entry point and a repository-set constructor over the same factories. */
export interface UnitOfWorkKit<F extends RepositoryFactories> {
  /** Runs work in one transaction (or savepoint) with lazily built repositories. */
  readonly unitOfWork: UnitOfWorkFunction<F>;
  /** Repositories over `db` (each mutation in its own transaction, or the caller's). */
  repositories<D extends DB>(db: Kysely<D>, context?: AuditContext): RepositorySet<D, F>;
}

const RESERVED = new Set(['trx', 'tenant', 'context', 'transaction', 'then']);
const HANDLE = Symbol('org-data.handle');

interface HandleState {
  readonly db: Kysely<DB>;
  readonly context: ResolvedAuditContext;
  readonly built: Record<string, unknown>;
}

/**
 * Binds the unit of work to a set of repository factories. The package binds its own (see
 * `unitOfWork` in the root entry); a service that brings its own tables and repositories binds
 * theirs beside ours, and its work then runs in the same transaction:
 *
 * @example
 * const { unitOfWork } = createUnitOfWork({ ...repositoryFactories, invoices: ({ db }) => createInvoiceRepository(db) });
 * await unitOfWork(db, { tenant }, async (uow) => {
 *   await uow.invoices.create(…);          // the service's table
 *   await uow.clients.changeStatus(…);     // ours, same transaction
 * });
 *
 * @throws ValidationError when a factory is not a function or uses a reserved name
 *   (`trx`, `tenant`, `context`, `transaction`).
 */
export function createUnitOfWork<F extends RepositoryFactories>(factories: F): UnitOfWorkKit<F> {
  const names = Object.keys(factories ?? {});
  const issues = names.flatMap((name) => {
    if (RESERVED.has(name)) return [{ path: name, message: 'is a reserved name' }];
    if (typeof factories[name] !== 'function') return [{ path: name, message: 'must be a repository factory function' }];
    return [];
  });
  if (factories === null || typeof factories !== 'object') issues.push({ path: '', message: 'must be an object of factories' });
  if (issues.length > 0) throw new ValidationError(issues);
  const frozen = Object.freeze({ ...factories });

  // One prototype per binding: each repository is a getter that builds it on first access and
  // keeps it for the rest of the handle's life. A handle is a small object over it. Here, where
  // the factory's name is known and each repository is built once per handle, is where its
  // methods get their OpenTelemetry spans (`org-data <name>.<method>`), when tracing is on.
  const prototype: Record<PropertyKey, unknown> = {};
  for (const name of names) {
    Object.defineProperty(prototype, name, {
      enumerable: true,
      get(this: { [HANDLE]: HandleState }) {
        const state = this[HANDLE];
        if (!(name in state.built)) {
          const repository = frozen[name]!({ db: state.db, context: state.context });
          // OpenTelemetry: asked once per repository built; without a registered tracer
          // provider (or without @opentelemetry/api) the repository is used as it is.
          const tracing = activeTracing();
          state.built[name] = tracing ? tracedRepository(name, repository, tracing) : repository;
        }
        return state.built[name];
      },
    });
  }
  Object.defineProperty(prototype, 'transaction', {
    value(this: { [HANDLE]: HandleState }, fn: (tx: unknown, trx: unknown) => Promise<unknown>) {
      const state = this[HANDLE];
      return unitOfWork(state.db, { context: state.context }, (uow) => fn(uow, uow.trx));
    },
  });

  // Plain assignments onto an object of the prototype: the same few shapes every time, which
  // V8 keeps fast (Object.assign from a literal with a symbol key does not).
  const handle = (db: Kysely<DB>, context: ResolvedAuditContext, scope?: UnitOfWorkScope<DB>) => {
    const created = Object.create(prototype) as Record<PropertyKey, unknown>;
    created[HANDLE] = { db, context, built: Object.create(null) as Record<string, unknown> } satisfies HandleState;
    if (scope) {
      created.trx = scope.trx;
      created.tenant = scope.tenant;
      created.context = scope.context;
    }
    return Object.freeze(created);
  };

  const unitOfWork = ((db: Kysely<DB>, optionsOrFn: unknown, maybeFn?: unknown) => {
    const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as (uow: unknown) => Promise<unknown>;
    let options: ResolvedUnitOfWorkOptions;
    try {
      options = resolveUnitOfWorkOptions(
        typeof optionsOrFn === 'function' ? undefined : (optionsOrFn as UnitOfWorkOptions | undefined),
      );
    } catch (error) {
      return Promise.reject(error);
    }
    if (typeof fn !== 'function') {
      return Promise.reject(new ValidationError([{ path: 'fn', message: 'must be a function' }]));
    }
    if (db === null || typeof db !== 'object' || typeof (db as Kysely<DB>).transaction !== 'function') {
      return Promise.reject(new ValidationError([{ path: 'db', message: 'must be a Kysely instance or transaction' }]));
    }
    return runUnitOfWork(db, options, (scope) => fn(handle(scope.trx, scope.context, scope)));
  }) as UnitOfWorkFunction<F>;

  return Object.freeze({
    unitOfWork,
    repositories: <D extends DB>(db: Kysely<D>, context: AuditContext = {}) => {
      if (!isKysely(db)) throw new ValidationError([{ path: 'db', message: 'must be a Kysely instance or transaction' }]);
      return handle(db as unknown as Kysely<DB>, parseInput(AuditContextSchema, context)) as RepositorySet<D, F>;
    },
  });
}

/** Whether `db` looks like a Kysely instance or transaction (what every entry point needs). */
export function isKysely(db: unknown): boolean {
  return db !== null && typeof db === 'object' && typeof (db as { executeQuery?: unknown }).executeQuery === 'function';
}
