import { DataError } from './data-error.js';

/**
 * Optimistic concurrency: the row's version is not the one the caller expected (someone else
 * wrote first). Re-read and retry. Services map it to HTTP 409. Nothing was written.
 *
 * Every aggregate that takes an `expectedVersion` (documents' `addVersion`, staff profiles'
 * `edit`/`submit`/`verify`/`reject`) raises this class for a stale one; a state machine raises
 * `TransitionConflictError` only when the version matches but the state does not allow the event.
 */
export class VersionConflictError extends DataError {
  /** The entity kind, e.g. `document`. */
  readonly entity: string;
  /** The version the caller sent. */
  readonly expectedVersion: number;
  /** The row's version now. */
  readonly currentVersion: number;
  /** The row's state now, for aggregates with a state machine (e.g. a staff profile's status). */
  readonly currentStatus: string | undefined;

  constructor(entity: string, expectedVersion: number, currentVersion: number, currentStatus?: string) {
    super(
      'VERSION_CONFLICT',
      `Stale ${entity}: expected version ${expectedVersion}, it is at version ${currentVersion}`,
    );
    this.entity = entity;
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
    this.currentStatus = currentStatus;
  }
}
