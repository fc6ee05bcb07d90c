// Section "identity": the foundation's figures. findById, hasPermission and register through
// the repositories against the same SQL hand-written with raw `pg`, plus findById through
// Kysely's CamelCasePlugin (the mapping mechanism the package did not choose), in a case of its
// own against the same raw SQL.
import type { BenchGroup } from '../../case.js';
import { ratioTable, sideOf } from '../../report.js';
import { findById, findByIdCamel, READ_ITERATIONS, READ_WARMUP_ITERATIONS } from './find-by-id.js';
import { hasPermission } from './has-permission.js';
import { register } from './register.js';

const READ_TARGET = { ratio: 1.1, name: 'read target' };

/** The identity section. */
export const identity: BenchGroup = {
  section: 'identity',
  title: 'Repositories vs raw pg',
  method:
    `${READ_ITERATIONS} reads per side after ${READ_WARMUP_ITERATIONS} warm-up iterations, ` +
    `${register.iterations} registers per side after ${register.warmup}`,
  // The CamelCasePlugin read runs last, in a loop of its own (see find-by-id.ts).
  cases: [findById, hasPermission, register, findByIdCamel],
  report: async (results) =>
    ratioTable([
      { operation: findById.name, repo: sideOf(results, findById, 'repo'), raw: sideOf(results, findById, 'raw'), target: READ_TARGET },
      {
        operation: hasPermission.name,
        repo: sideOf(results, hasPermission, 'repo'),
        raw: sideOf(results, hasPermission, 'raw'),
        target: READ_TARGET,
      },
      { operation: register.name, repo: sideOf(results, register, 'repo'), raw: sideOf(results, register, 'raw') },
      {
        operation: 'findById via CamelCasePlugin (alternative not chosen)',
        repo: sideOf(results, findByIdCamel, 'camel'),
        raw: sideOf(results, findByIdCamel, 'raw'),
        target: READ_TARGET,
      },
    ]),
};
