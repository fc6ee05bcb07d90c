import { DataError } from './data-error.js';

/**
 * Optimistic concurrency: the row's version is not the one the caller expected (someone else
 * wrote first). Re-read and retry. Services map it to HTTP 409. Nothing was written.
 */
export class VersionConflictError extends DataError {
  /** The entity kind, e.g. `document`. */
  readonly entity: string;
  /** The version the caller sent. */
  readonly expectedVersion: number;
  /** The row's version now. */
  readonly currentVersion: number;

  constructor(entity: string, expectedVersion: number, currentVersion: number) {
    super(
      'VERSION_CONFLICT',
      `Stale ${entity}: expected version ${expectedVersion}, it is at version ${currentVersion}`,
    );
    this.entity = entity;
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }
}
