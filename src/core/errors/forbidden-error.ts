import { DataError, type DataErrorCode, type DataErrorOrigin } from './data-error.js';

/** The acting user may not perform this operation (missing permission or wrong actor). */
export class ForbiddenError extends DataError {
  /** What was refused, e.g. `verify staff profile`. */
  readonly operation: string;

  /**
   * @param code For subclasses that mean something more precise (`TenantIsolationError`).
   *   (Default: `FORBIDDEN`)
   */
  constructor(
    operation: string,
    reason: string,
    origin: DataErrorOrigin = {},
    code: Extract<DataErrorCode, 'FORBIDDEN' | 'TENANT_ISOLATION'> = 'FORBIDDEN',
  ) {
    super(code, `Forbidden: ${operation}: ${reason}`, origin);
    this.operation = operation;
  }
}
