import type { DataErrorOrigin } from './data-error.js';
import { ForbiddenError } from './forbidden-error.js';

/**
 * Row-level security refused a row (SQLSTATE 42501, "new row violates row-level security
 * policy"): the statement wrote a row of another organization than the unit of work's tenant,
 * or ran with no tenant set. A programming error in the caller (the wrong or a missing
 * `tenant`), not a business refusal: its `code` is `TENANT_ISOLATION`, not `FORBIDDEN`, and it
 * keeps `sqlState`. It still is a {@link ForbiddenError}, so handlers written for 0.6 catch it.
 */
export class TenantIsolationError extends ForbiddenError {
  /** The table whose policy refused the row, when the server named it. */
  readonly table: string | undefined;

  constructor(table: string | undefined, origin: DataErrorOrigin) {
    super(
      'tenant data',
      `row-level security refused a row${table === undefined ? '' : ` of ${table}`} (SQLSTATE ${origin.sqlState ?? '42501'}): ` +
        'run it in a unit of work whose tenant is the organization of the row',
      origin,
      'TENANT_ISOLATION',
    );
    this.table = table;
  }
}
