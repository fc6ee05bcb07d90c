import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import { CANONICAL_UUID, UuidSchema } from './common-schemas.js';

/**
 * Validates `input` with `schema` and returns the parsed value.
 *
 * `argument` names the input when it is a positional argument (`id`, `patch`, `options.limit`):
 * an issue about the value as a whole (a number where an id was expected, `null` for a patch)
 * then has that name as its path instead of an empty one. Issues inside an object keep their
 * field paths (`fullName`, `settings.branding.primaryColor`).
 *
 * @throws ValidationError listing every invalid field (paths and reasons, never values).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, argument?: string): z.output<S> {
  // The most common input, an id, skips zod when valid (same outcome; measured at 10–20 µs a
  // call between database round trips, when zod's code is no longer in the CPU's caches).
  if ((schema as z.ZodType) === UuidSchema && typeof input === 'string' && CANONICAL_UUID.test(input)) return input as z.output<S>;
  if (typeof (schema as { safeParse?: unknown } | null)?.safeParse !== 'function') {
    throw new ValidationError([{ path: 'schema', message: 'must be a zod schema' }]);
  }
  let result: z.ZodSafeParseResult<z.output<S>>;
  try {
    result = schema.safeParse(input) as z.ZodSafeParseResult<z.output<S>>;
  } catch (error) {
    // A recursive schema (z.lazy) recursing as deep as the input goes: the stack ran out.
    if (error instanceof RangeError) {
      throw new ValidationError([{ path: argument ?? '', message: 'is nested too deeply' }]);
    }
    throw error;
  }
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      path: issue.path.length === 0 && argument !== undefined ? argument : issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}

/**
 * The options object of a call: `{}` for `undefined` (the options were left out), the object
 * itself otherwise, so that `options.x` can be read safely.
 *
 * @throws ValidationError (path `argument`) for `null`, an array or anything not an object.
 */
export function optionsArgument<T extends object>(options: T | undefined, argument = 'options'): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError([{ path: argument, message: 'must be an object or left out' }]);
  }
  return options;
}
