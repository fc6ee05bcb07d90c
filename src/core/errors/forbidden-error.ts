import { DataError, type DataErrorOrigin } from './data-error.js';

/** The acting user may not perform this operation (missing permission or wrong actor). */
export class ForbiddenError extends DataError {
  /** What was refused, e.g. `verify staff profile`. */
  readonly operation: string;

  constructor(operation: string, reason: string, origin: DataErrorOrigin = {}) {
    super('FORBIDDEN', `Forbidden: ${operation}: ${reason}`, origin);
    this.operation = operation;
  }
}
