/**
 * The PostgreSQL SQLSTATE codes this package maps to typed errors.
 * See https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export const SqlState = Object.freeze({
  /** 23502 not_null_violation */
  notNullViolation: '23502',
  /** 23001 restrict_violation: deleting a row still referenced through ON DELETE RESTRICT */
  restrictViolation: '23001',
  /** 23503 foreign_key_violation */
  foreignKeyViolation: '23503',
  /** 23505 unique_violation */
  uniqueViolation: '23505',
  /** 23514 check_violation */
  checkViolation: '23514',
  /** 22P02 invalid_text_representation: e.g. a malformed uuid literal */
  invalidTextRepresentation: '22P02',
  /** 22021 character_not_in_repertoire: e.g. a NUL byte in text */
  characterNotInRepertoire: '22021',
  /** 22001 string_data_right_truncation */
  stringDataRightTruncation: '22001',
  /** 22007 invalid_datetime_format */
  invalidDatetimeFormat: '22007',
  /** 22008 datetime_field_overflow */
  datetimeFieldOverflow: '22008',
  /** 40001 serialization_failure (retryable) */
  serializationFailure: '40001',
  /** 40P01 deadlock_detected (retryable) */
  deadlockDetected: '40P01',
  /** 55P03 lock_not_available */
  lockNotAvailable: '55P03',
  /** 57014 query_canceled: statement_timeout or a cancel request */
  queryCanceled: '57014',
  /** 57P01 admin_shutdown: the backend was terminated (pg_terminate_backend, shutdown) */
  adminShutdown: '57P01',
  /** 57P02 crash_shutdown */
  crashShutdown: '57P02',
  /** 57P03 cannot_connect_now: the server is starting or stopping */
  cannotConnectNow: '57P03',
  /** 53300 too_many_connections */
  tooManyConnections: '53300',
  /** 42501 insufficient_privilege (also row-level security refusing a row) */
  insufficientPrivilege: '42501',
  /** 25P02 in_failed_sql_transaction: a statement after an error, before ROLLBACK */
  inFailedSqlTransaction: '25P02',
  /** 0A000 feature_not_supported: also "cached plan must not change result type" */
  featureNotSupported: '0A000',
  /** 42P01 undefined_table: the migrations have not created it (yet) */
  undefinedTable: '42P01',
  /** 42703 undefined_column: a column a later migration adds */
  undefinedColumn: '42703',
  /** 42883 undefined_function: a function a migration creates */
  undefinedFunction: '42883',
  /** 3F000 invalid_schema_name */
  invalidSchemaName: '3F000',
  /** 28P01 invalid_password */
  invalidPassword: '28P01',
  /** 28000 invalid_authorization_specification: no pg_hba.conf entry, a role without LOGIN */
  invalidAuthorization: '28000',
  /** 3D000 invalid_catalog_name: the database does not exist */
  invalidCatalogName: '3D000',
  /** 25006 read_only_sql_transaction */
  readOnlySqlTransaction: '25006',
  /** Class 22 data_exception (every 22xxx): the value cannot be stored or computed as asked */
  dataExceptionClass: '22',
});
