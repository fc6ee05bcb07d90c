import { z } from 'zod';

/** A UUID in canonical 8-4-4-4-12 hex form (any version), as every primary key is. */
export const UuidSchema = z.guid();

/** What {@link UuidSchema} accepts, as a regular expression (fast paths that skip zod for valid ids). */
export const CANONICAL_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Any string PostgreSQL `text` can hold: it cannot store the NUL character. */
export const PgTextSchema = z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL');

/** The shape {@link EmailSchema} checks (also used by fast paths that skip zod for valid input). */
export const EMAIL_SHAPE = /^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$/;

/**
 * A linear email shape check (one '@', no whitespace, a dotted domain), at most 254 characters.
 * Each character class excludes the separator that follows it, so it cannot backtrack.
 * The same rule is the `users_email_format` CHECK.
 */
export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .regex(EMAIL_SHAPE, 'must be an email address')
  .pipe(PgTextSchema);

/**
 * A slug: lowercase letters and digits in groups joined by single hyphens, at most 63 characters
 * (the `*_slug_format` CHECKs: `^[a-z0-9]+(-[a-z0-9]+)*$`).
 */
export const SlugSchema = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters and digits separated by single hyphens');

/** Text that must not be blank, trimmed, at most `max` characters, no NUL. */
export function requiredText(max: number) {
  return z.string().trim().min(1).max(max).pipe(PgTextSchema);
}

/** A BCP 47-shaped locale tag such as `en`, `vi-VN`, `zh-Hant-TW`. */
export const LocaleSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a locale tag such as en or vi-VN');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name known to this runtime, e.g. `Asia/Ho_Chi_Minh` or `UTC`. */
export const TimeZoneSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone')
  .refine(isTimeZone, 'must be an IANA time zone');

/** A calendar date `YYYY-MM-DD` between 1900-01-01 and today. */
export const BirthdateSchema = z.iso
  .date()
  .refine((value) => value >= '1900-01-01', 'must be on or after 1900-01-01')
  .refine((value) => value <= new Date().toISOString().slice(0, 10), 'must not be in the future');

/** The largest value of a PostgreSQL `integer` (int4) column, e.g. a version number. */
const PG_INT4_MAX = 2_147_483_647;

/**
 * A positive integer that fits a PostgreSQL `integer` column (1 … 2,147,483,647): a larger one
 * is refused by validation, before any SQL, instead of failing on the server (22003).
 */
export const PositiveInt4Schema = z.int().min(1).max(PG_INT4_MAX);

// Date.UTC maps the years 0–99 to 1900–1999: set the year afterwards.
const FIRST_INSTANT = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(1);
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A valid `Date` between 0001-01-01 and 9999-12-31 (UTC): what a `timestamptz` parameter can
 * hold and print back as the same instant. Refused before any SQL otherwise.
 */
export const TimestampSchema = z
  .date()
  .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date')
  .refine((d) => d.getTime() >= FIRST_INSTANT && d.getTime() <= LAST_INSTANT, 'must be between the years 1 and 9999');
