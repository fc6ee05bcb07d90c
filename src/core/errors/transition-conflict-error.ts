import { DataError } from './data-error.js';

/**
 * A state transition did not apply because the row is not in a state the transition starts
 * from, or its version is not the one the caller expected (someone changed it meanwhile).
 * Services map it to HTTP 409. Nothing was changed and no audit row was written.
 */
export class TransitionConflictError extends DataError {
  /** The entity kind, e.g. `staff profile`. */
  readonly entity: string;
  /** The attempted event, e.g. `verify`. */
  readonly event: string;
  /** The row's status when the transition was refused. */
  readonly currentStatus: string;
  /** The row's version when the transition was refused. */
  readonly currentVersion: number;

  constructor(entity: string, event: string, currentStatus: string, currentVersion: number) {
    super(
      'TRANSITION_CONFLICT',
      `Cannot ${event} ${entity}: it is ${currentStatus} at version ${currentVersion}`,
    );
    this.entity = entity;
    this.event = event;
    this.currentStatus = currentStatus;
    this.currentVersion = currentVersion;
  }
}
