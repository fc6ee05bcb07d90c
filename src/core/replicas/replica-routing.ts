import { z } from 'zod';
import { parseConfig } from '../config/parse-config.js';

/** How units of work that read from a replica choose one (see `createDatabase`'s `replicas`). */
export interface ReplicaRoutingOptions {
  /**
   * A replica whose replay lags the primary by more than this many ms is skipped until it
   * catches up. The lag is the time since the replica last replayed a transaction while it has
   * received WAL it has not replayed yet (0 when it has replayed all it received). (Default: `10000`)
   */
  readonly maxLagMs?: number;
  /**
   * How long a read given an `after` token waits, in ms, for a replica to replay that far
   * before it gives up on the replicas (then see {@link whenUnavailable}). (Default: `2000`)
   */
  readonly readYourWritesTimeoutMs?: number;
  /**
   * What a replica read does when no replica can serve it (all down or lagging, or none replayed
   * the token in time): `'primary'` runs it on the primary (read only, always fresh); `'error'`
   * throws `ReplicaUnavailableError` (retryable) and runs nothing. (Default: `'primary'`)
   */
  readonly whenUnavailable?: 'primary' | 'error';
  /**
   * How old, in ms, what is known of a replica (up, down, its lag) may be before a read checks
   * it again (one small query, shared by the reads that arrive meanwhile). (Default: `1000`)
   */
  readonly healthCheckIntervalMs?: number;
  /** How long such a check may take, in ms, before the replica counts as down. (Default: `1000`) */
  readonly healthCheckTimeoutMs?: number;
}

const RoutingSchema = z
  .object({
    maxLagMs: z.int().min(0).max(86_400_000).default(10_000),
    readYourWritesTimeoutMs: z.int().min(0).max(600_000).default(2_000),
    whenUnavailable: z.enum(['primary', 'error']).default('primary'),
    healthCheckIntervalMs: z.int().min(0).max(3_600_000).default(1_000),
    healthCheckTimeoutMs: z.int().min(1).max(600_000).default(1_000),
  })
  .strict();

/** {@link ReplicaRoutingOptions} with every default filled in. */
export type ResolvedReplicaRouting = z.output<typeof RoutingSchema>;

/**
 * Validates routing options.
 * @throws ConfigurationError naming every bad option.
 */
export function resolveReplicaRouting(options: unknown): ResolvedReplicaRouting {
  return parseConfig(RoutingSchema, options ?? {}, 'replicaRouting');
}
