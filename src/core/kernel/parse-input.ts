import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import { CANONICAL_UUID, UuidSchema } from './common-schemas.js';

/** Where a schema keeps its fast path (see {@link withFastPath}). */
const FAST_PATH = Symbol('org-data.fast-path');

/** What a fast path returns for input it leaves to zod. */
export const TO_ZOD: unique symbol = Symbol('org-data.to-zod');

/** A schema's fast path: the value zod would return, or {@link TO_ZOD}. */
export type FastPath<T> = (input: unknown) => T | typeof TO_ZOD;

/**
 * Declares a fast path for `schema` in {@link parseInput}, for inputs checked on every call of
 * a hot method: `parse(input)` returns the value zod would return for the common valid input,
 * or {@link TO_ZOD} for anything else (which zod then validates and reports). It must never
 * return a value for input zod refuses, nor a value zod would not return; it must read each
 * property of the input once and return a new object (never the caller's), as zod does.
 * test/core/kernel/fast-paths.property.test.ts checks every declared path against its schema.
 * Returns `schema`.
 */
export function withFastPath<S extends z.ZodType>(schema: S, parse: FastPath<z.output<S>>): S {
  Object.defineProperty(schema, FAST_PATH, { value: parse });
  return schema;
}

/**
 * {@link withFastPath} for a schema of a primitive that zod returns unchanged when valid:
 * `check(input)` true means valid as it is.
 */
export function acceptsAsIs<S extends z.ZodType>(schema: S, check: (input: unknown) => boolean): S {
  return withFastPath(schema, (input) => (check(input) ? (input as z.output<S>) : TO_ZOD));
}

/** The fast path declared for `schema`, if any (for the property test). */
export function fastPathOf<S extends z.ZodType>(schema: S): FastPath<z.output<S>> | undefined {
  return (schema as { [FAST_PATH]?: FastPath<z.output<S>> })[FAST_PATH];
}

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
  // Other schemas with a declared fast path (see withFastPath): common valid input skips zod too.
  const fast = (schema as { [FAST_PATH]?: FastPath<z.output<S>> } | null)?.[FAST_PATH];
  if (fast !== undefined) {
    const value = fast(input);
    if (value !== TO_ZOD) return value;
  }
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
