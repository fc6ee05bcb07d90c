import { DataError, type DataErrorOrigin } from './data-error.js';

/** What kind of schema object a {@link SchemaNotMigratedError} found missing. */
export type MissingSchemaObject = 'relation' | 'column' | 'function' | 'procedure' | 'schema';

/**
 * The database lacks a table, column, function or schema this package's SQL uses: the
 * migrations were never run on it, or not up to this release (SQLSTATE 42P01 undefined_table,
 * 42703 undefined_column, 42883 undefined_function, 3F000 invalid_schema_name). Nothing was
 * written. Run the migrations as the owner role: `migrate(db)` or `org-data migrate`.
 */
export class SchemaNotMigratedError extends DataError {
  /** What kind of object is missing. */
  readonly missingKind: MissingSchemaObject;
  /** Its name as the server gave it (e.g. `users`), when the server named it. */
  readonly missing: string | undefined;

  constructor(missingKind: MissingSchemaObject, missing: string | undefined, origin: DataErrorOrigin = {}) {
    const what = missing === undefined ? `a ${missingKind}` : `${missingKind} "${missing}"`;
    super(
      'SCHEMA_NOT_MIGRATED',
      `The database is not migrated: ${what} does not exist (SQLSTATE ${origin.sqlState ?? 'unknown'}). ` +
        'Run the migrations with the owner connection: migrate(db) or `org-data migrate`',
      origin,
    );
    this.missingKind = missingKind;
    this.missing = missing;
  }
}
