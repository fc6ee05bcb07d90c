import { DataError, type DataErrorOrigin } from './data-error.js';

/**
 * The database named in the connection configuration does not exist on the server (SQLSTATE
 * 3D000 invalid_catalog_name). The message does not repeat the configured name (configuration
 * values are never copied into messages).
 */
export class DatabaseNotFoundError extends DataError {
  constructor(origin: DataErrorOrigin) {
    super(
      'DATABASE_NOT_FOUND',
      'The configured database does not exist on the server (SQLSTATE 3D000): create it, or fix the database name of the connection (DATABASE_URL path or the secret\'s dbname)',
      origin,
    );
  }
}
