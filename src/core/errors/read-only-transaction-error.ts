import { DataError, type DataErrorOrigin } from './data-error.js';

/**
 * A write was refused because the transaction is read-only (SQLSTATE 25006
 * read_only_sql_transaction): a unit of work opened with `accessMode: 'read only'`, a server
 * whose `default_transaction_read_only` is on, or a hot-standby replica. Nothing was written.
 */
export class ReadOnlyTransactionError extends DataError {
  constructor(origin: DataErrorOrigin) {
    super(
      'READ_ONLY_TRANSACTION',
      "Cannot write in a read-only transaction (SQLSTATE 25006): open the unit of work with accessMode 'read write' and connect to the primary, not a replica",
      origin,
    );
  }
}
