import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';

/**
 * Validates `input` with `schema` and returns the parsed value.
 *
 * @throws ValidationError listing every invalid field (paths and reasons, never values).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}
