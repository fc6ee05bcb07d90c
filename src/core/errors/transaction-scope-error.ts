import { DataError } from './data-error.js';

/**
 * A unit of work was asked to join a transaction it cannot join safely: one set to another
 * tenant (or to none), one whose isolation level or access mode differs from the options, or a
 * nested unit of work asked to retry (only the outermost transaction can be re-run). Nothing
 * was sent to the database for the refused unit of work; the outer transaction is unchanged.
 */
export class TransactionScopeError extends DataError {
  constructor(reason: string) {
    super('TRANSACTION_SCOPE', `Cannot join the transaction: ${reason}`);
  }
}
