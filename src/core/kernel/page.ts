import { z } from 'zod';
import { isIntegerIn } from './fast-path-checks.js';
import { acceptsAsIs, optionsArgument, parseInput, TO_ZOD, withFastPath } from './parse-input.js';

/** One page of a keyset-paginated list. */
export interface Page<T> {
  /** The items of this page, in list order. */
  readonly items: readonly T[];
  /** Pass as `after` to get the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/** Options of every keyset-paginated list. */
export interface PageOptions {
  /** Items per page, 1–500. (Default: `50`) */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly after?: string | null;
}

/** A page size; every list call checks one, so a valid size skips zod. */
export const LimitSchema = acceptsAsIs(z.int().min(1).max(500), (input) => isIntegerIn(input, 1, 500));

/**
 * The validated page size of `options` (left out: 50).
 * @throws ValidationError for options that are not an object, or a limit out of 1–500.
 */
export function pageLimit(options: PageOptions | undefined): number {
  const { limit } = optionsArgument(options);
  return parseInput(LimitSchema, limit ?? 50, 'options.limit');
}

/**
 * Encodes a keyset position (the sort key values of the last item, as exact text so that
 * microsecond timestamps survive) as an opaque cursor.
 */
function encodeCursor(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** A cursor part holding a timestamptz as PostgreSQL prints it in UTC (microseconds kept). */
export const TIMESTAMP_PART = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?\+00$/;
/** A cursor part holding a uuid. */
export const UUID_PART = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Decodes the cursors of one list; built once per list (module scope), not per call. */
export interface CursorCodec {
  /**
   * The parts of a cursor made by {@link encodeCursor}; each part matched its pattern.
   * @throws ValidationError for a cursor that was not made by this list.
   */
  decode(cursor: string): string[];
}

/** The longest cursor accepted (a list's cursors are far shorter). */
const MAX_CURSOR_LENGTH = 400;

/**
 * The schema of the cursors of a list whose keyset position has parts matching `parts`, in
 * order: a string of at most 400 characters made by {@link encodeCursor}, parsed into its
 * parts. A valid cursor is decoded without zod (the same decoding the transform runs, so the
 * outcome is the same); anything else goes through zod, which reports it.
 */
export function cursorSchema(parts: readonly RegExp[]): z.ZodType<string[], string> {
  const size = parts.length;
  /** The cursor's parts, or `undefined` when `value` is not a cursor of this list. */
  const partsOf = (value: string): string[] | undefined => {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
      if (Array.isArray(parsed) && parsed.length === size && parsed.every((part, i) => typeof part === 'string' && parts[i]!.test(part))) {
        return parsed as string[];
      }
    } catch {
      // not JSON: not a cursor
    }
    return undefined;
  };
  return withFastPath(
    z
      .string()
      .max(MAX_CURSOR_LENGTH)
      .transform((value, ctx) => {
        const decoded = partsOf(value);
        if (decoded !== undefined) return decoded;
        ctx.addIssue({ code: 'custom', message: 'is not a cursor returned by this list' });
        return z.NEVER;
      }),
    (input) => (typeof input === 'string' && input.length <= MAX_CURSOR_LENGTH ? (partsOf(input) ?? TO_ZOD) : TO_ZOD),
  );
}

/** The cursor codec of a list whose keyset position has parts matching `parts`, in order. */
export function cursorCodec(parts: readonly RegExp[]): CursorCodec {
  const CursorSchema = cursorSchema(parts);
  return Object.freeze({ decode: (cursor: string) => parseInput(CursorSchema, cursor, 'options.after') });
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only says another page exists.
 * `position` gives the cursor parts of a row; `strip` removes helper columns. Without `strip`
 * the rows are the items, and a last page (at most `limit` rows) keeps the driver's fresh array
 * instead of copying it.
 */
export function toPage<R>(rows: R[], limit: number, position: (row: R) => readonly string[]): Page<R>;
export function toPage<R, T>(rows: readonly R[], limit: number, position: (row: R) => readonly string[], strip: (row: R) => T): Page<T>;
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  position: (row: R) => readonly string[],
  strip?: (row: R) => T,
): Page<T | R> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return Object.freeze({
    items: strip ? items.map(strip) : items,
    nextCursor: more ? encodeCursor(position(items[limit - 1]!)) : null,
  });
}
