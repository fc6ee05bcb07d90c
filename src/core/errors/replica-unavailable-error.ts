import { DataError } from './data-error.js';

/**
 * A unit of work asked to read from a replica found none it could use, and the database was
 * configured with `replicaRouting.whenUnavailable: 'error'` (the default sends such reads to the
 * primary instead): every replica was down or lagged beyond `maxLagMs`, or none had replayed the
 * `after` token within `readYourWritesTimeoutMs`. Nothing ran. Retryable: replicas catch up.
 */
export class ReplicaUnavailableError extends DataError {
  override readonly retryable = true;

  constructor(reason: string) {
    super('REPLICA_UNAVAILABLE', `No replica can serve the read: ${reason}`);
  }
}
