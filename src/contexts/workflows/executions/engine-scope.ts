import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import type { DB } from '../../../schema/db.js';
import type { Submissions } from '../../forms/index.js';

/** Where the engine runs: a transaction with the tenant set, and who acts. */
export interface EngineScope {
  readonly trx: Kysely<DB>;
  readonly tenant: string;
  readonly context: ResolvedAuditContext;
}

/** What the actions need besides the database: the submissions (for status, assign and branch). */
export interface WorkflowEnvironment {
  /** Submissions of the service (`createSubmissions({ keyring })`): needed by `set_submission_status`, `assign`, and branches on a submission. */
  readonly submissions?: Submissions;
}

