import { DataError } from './data-error.js';

/** The environment variables that name the owner (migration) connection, as the CLI reads them. */
const OWNER_CONNECTION = 'DATABASE_OWNER_URL or DATABASE_OWNER_SECRET_ARN';

/**
 * A migration operation (`migrate`, `rollback`) was refused for lack of a privilege
 * (SQLSTATE 42501): it ran as a role that may not change the schema, typically the
 * application role (a member of `org_data_app`). Run migrations with the owner connection
 * (`DATABASE_OWNER_URL` or `DATABASE_OWNER_SECRET_ARN`) and serve traffic with the
 * application role. Nothing of the refused migration was applied.
 */
export class MigrationPrivilegeError extends DataError {
  /** What was refused, e.g. `CREATE on schema public`, or `privilege on table organizations`. */
  readonly privilege: string;
  /** The migration being applied or rolled back, or `undefined` when the runner's own setup was refused. */
  readonly migration: string | undefined;

  constructor(privilege: string, migration?: string) {
    const where = migration === undefined ? 'the migration runner' : `migration ${migration}`;
    super(
      'MIGRATION_PRIVILEGE',
      `Insufficient privilege for ${where}: ${privilege} was refused (SQLSTATE 42501). ` +
        `Run migrations with the owner connection (${OWNER_CONNECTION}), not the application role`,
      { sqlState: '42501' },
    );
    this.privilege = privilege;
    this.migration = migration;
  }
}
