import { DataError } from './data-error.js';

/**
 * The database handle was closed: `db.destroy()` was called. Every caller still waiting for a
 * pool connection when it runs is rejected with this at once, and every later call (queries,
 * units of work, repositories, migrations) fails with it immediately, nothing sent. Not
 * retryable: create a new database handle.
 */
export class DatabaseClosedError extends DataError {
  constructor() {
    super('DATABASE_CLOSED', 'The database handle is closed (db.destroy() was called): create a new one with createDatabase');
  }
}
