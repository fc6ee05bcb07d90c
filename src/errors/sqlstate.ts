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
});
