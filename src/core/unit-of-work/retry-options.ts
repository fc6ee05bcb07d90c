import { z } from 'zod';
import type { DataError } from '../errors/data-error.js';

/** How a unit of work re-runs after a serialization failure (40001) or a deadlock (40P01). */
export interface RetryOptions {
  /** Attempts in all, including the first, 1–10. (Default: `3`) */
  readonly attempts?: number;
  /** Upper bound of the first back-off, in ms; doubles per attempt. (Default: `20`) */
  readonly baseDelayMs?: number;
  /** Cap of any back-off, in ms. (Default: `1000`) */
  readonly maxDelayMs?: number;
  /** Called before each retry with the attempt that failed (1-based) and its error. */
  readonly onRetry?: (attempt: number, error: DataError) => void;
}

/** Validated retry options with defaults applied. */
export const RetryOptionsSchema = z
  .object({
    attempts: z.int().min(1).max(10).default(3),
    baseDelayMs: z.int().min(0).max(10_000).default(20),
    maxDelayMs: z.int().min(0).max(60_000).default(1000),
    onRetry: z.custom<(attempt: number, error: DataError) => void>((v) => typeof v === 'function').optional(),
  })
  .strict();

/** Full-jitter exponential back-off before the attempt after `attempt`. */
export function backoffMs(options: z.output<typeof RetryOptionsSchema>, attempt: number): number {
  return Math.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}
