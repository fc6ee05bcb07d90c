import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import { CANONICAL_UUID, UuidSchema } from './common-schemas.js';


/**
 * Validates `input` with `schema` and returns the parsed value.
 *
 * @throws ValidationError listing every invalid field (paths and reasons, never values).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  // The most common input, an id, skips zod when valid (same outcome; measured at 10–20 µs a
  // call between database round trips, when zod's code is no longer in the CPU's caches).
  if ((schema as z.ZodType) === UuidSchema && typeof input === 'string' && CANONICAL_UUID.test(input)) return input as z.output<S>;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}
