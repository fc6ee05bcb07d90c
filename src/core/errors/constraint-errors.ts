import { DataError, type DataErrorCode, type DataErrorOrigin } from './data-error.js';

/** Base of the errors raised when the database rejects a row for an integrity constraint. */
export abstract class ConstraintError extends DataError {
  /** The violated constraint's name, e.g. `users_organization_email_key`. */
  readonly constraint: string | undefined;
  /** The table the rejected row belongs to. */
  readonly table: string | undefined;

  protected constructor(code: DataErrorCode, kind: string, origin: DataErrorOrigin) {
    const where = origin.table ? ` on ${origin.table}` : '';
    super(code, `${kind}${origin.constraint ? ` ${origin.constraint}` : ''}${where}`, origin);
    this.constraint = origin.constraint;
    this.table = origin.table;
  }
}

/** SQLSTATE 23505: a unique constraint or unique index rejected a duplicate. */
export class UniqueViolationError extends ConstraintError {
  constructor(origin: DataErrorOrigin) {
    super('UNIQUE_VIOLATION', 'Unique constraint violated:', origin);
  }
}

/** SQLSTATE 23503 (or 23001 for ON DELETE RESTRICT): a referenced row is missing, or a row is still referenced. */
export class ForeignKeyViolationError extends ConstraintError {
  constructor(origin: DataErrorOrigin) {
    super('FOREIGN_KEY_VIOLATION', 'Foreign key violated:', origin);
  }
}

/** SQLSTATE 23514: a CHECK constraint rejected the row. */
export class CheckViolationError extends ConstraintError {
  constructor(origin: DataErrorOrigin) {
    super('CHECK_VIOLATION', 'Check constraint violated:', origin);
  }
}

/** SQLSTATE 23502: a NOT NULL column received null. */
export class NotNullViolationError extends ConstraintError {
  /** The column that must not be null. */
  readonly column: string | undefined;

  constructor(origin: DataErrorOrigin) {
    super('NOT_NULL_VIOLATION', `Not-null constraint violated: ${origin.column ?? ''}`, origin);
    this.column = origin.column;
  }
}
