import { TransactionScopeError } from '../errors/transaction-scope-error.js';

/**
 * The savepoints open on each transaction, innermost last. Savepoints are a stack: nested units
 * of work on one transaction must run one at a time (awaited), a child inside its parent. Two
 * run concurrently interleave their statements between each other's savepoints, so a rollback of
 * one could undo the other's work; the first one that ends out of order poisons the transaction,
 * whose unit of work then refuses to commit.
 */
const open = new WeakMap<object, string[]>();
const poisoned = new WeakSet<object>();

/** Records `savepoint` as the innermost open savepoint of `trx`. */
export function pushSavepoint(trx: object, savepoint: string): void {
  const stack = open.get(trx);
  if (stack) stack.push(savepoint);
  else open.set(trx, [savepoint]);
}

/**
 * Removes `savepoint`; `false` (and `trx` poisoned) when it was not the innermost: another
 * nested unit of work ran concurrently on the same transaction.
 */
export function popSavepoint(trx: object, savepoint: string): boolean {
  const stack = open.get(trx) ?? [];
  const innermost = stack.at(-1) === savepoint;
  const index = stack.lastIndexOf(savepoint);
  if (index >= 0) stack.splice(index, 1);
  if (!innermost) poisoned.add(trx);
  return innermost;
}

/** Whether nested units of work ran concurrently on `trx` (its work may be inconsistent). */
export function isPoisoned(trx: object): boolean {
  return poisoned.has(trx);
}

/** The error of a nested unit of work that ended out of order, and of the outermost that then refuses to commit. */
export function concurrentNestingError(): TransactionScopeError {
  return new TransactionScopeError(
    'nested units of work ran concurrently on one transaction: await them one at a time; the outermost does not commit',
  );
}
