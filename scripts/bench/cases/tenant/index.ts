// Section "tenant": the tenant path (issue 8), unitOfWork({ tenant }) + users.findById
// (find-by-id.ts), against two raw pg sides timed in the same loop:
//   - the baseline, BEGIN; set_config($1); SELECT; COMMIT on one client (four round
//     trips). Target: median ratio <= 1.05.
//   - the repository's own three statements by hand (BEGIN and the tenant in one message): what
//     the package's JavaScript adds, reported without a target.
import type { BenchGroup } from '../../case.js';
import { ratioTable, sideOf } from '../../report.js';
import { tenantFindById } from './find-by-id.js';

/** The tenant section. */
export const tenant: BenchGroup = {
  section: 'tenant',
  title: 'Tenant path (tenant transaction + users.findById)',
  method:
    `${tenantFindById.iterations} tenant reads per side (repository, raw pg with the same three statements, ` +
    `raw pg with the issue's four) after ${tenantFindById.warmup} warm-up iterations`,
  cases: [tenantFindById],
  report: async (results) =>
    ratioTable(
      [
        {
          operation: 'unitOfWork({ tenant }) + users.findById',
          extra: ['BEGIN; set_config($1); SELECT; COMMIT (4 round trips, the issue baseline)'],
          repo: sideOf(results, tenantFindById, 'repo'),
          raw: sideOf(results, tenantFindById, 'raw4'),
          target: { ratio: 1.05, name: 'tenant target' },
        },
        {
          operation: 'unitOfWork({ tenant }) + users.findById',
          extra: ['the same SQL: BEGIN + set_config in one message; SELECT; COMMIT (3 round trips)'],
          repo: sideOf(results, tenantFindById, 'repo'),
          raw: sideOf(results, tenantFindById, 'raw'),
        },
      ],
      ['raw side'],
    ),
};
