import type { ConstraintCoverage } from '../../helpers/constraints.js';

/**
 * What tracking-table.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  org_data_migrations: {
    constraints: [
      'org_data_migrations_checksum_check',
      'org_data_migrations_down_checksum_check',
      'org_data_migrations_duration_ms_check',
      'org_data_migrations_pkey',
    ],
    notNull: ['name', 'checksum', 'down_checksum', 'duration_ms', 'applied_at'],
    triggers: [],
  },
} as const satisfies ConstraintCoverage;
