// Section "tenant": the tenant path (issue 8) against raw pg doing BEGIN; set_config; SELECT;
// COMMIT on one client (find-by-id.ts). Target: median ratio <= 1.05.
import type { BenchGroup } from '../../case.js';
import { ratioTable, sideOf } from '../../report.js';
import { tenantFindById } from './find-by-id.js';

/** The tenant section. */
export const tenant: BenchGroup = {
  section: 'tenant',
  title: 'Tenant path (tenant transaction + users.findById)',
  method: `${tenantFindById.iterations} tenant reads per side after ${tenantFindById.warmup} warm-up iterations`,
  cases: [tenantFindById],
  report: async (results) =>
    ratioTable([
      {
        operation: tenantFindById.name,
        repo: sideOf(results, tenantFindById, 'repo'),
        raw: sideOf(results, tenantFindById, 'raw'),
        target: { ratio: 1.05, name: 'tenant target' },
      },
    ]),
};
