import type { z } from 'zod';
import type { ValidationIssue } from '../errors/validation-error.js';
import { ConfigurationError } from './configuration-error.js';

/**
 * Turns zod issues into {@link ValidationIssue}s whose paths start with `prefix`, e.g.
 * `DATABASE_SECRET_ARN.password`. Only paths and zod's messages are kept, never the input.
 */
export function configIssues(issues: readonly z.core.$ZodIssue[], prefix?: string): ValidationIssue[] {
  return issues.map((issue) => ({
    path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/**
 * Validates `input` with `schema` and returns the parsed value.
 *
 * @param prefix Prepended to every issue path, naming where the input came from.
 * @throws ConfigurationError listing every rejected key (paths and reasons, never values).
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigurationError(configIssues(result.error.issues, prefix));
}
