import type { MigrationStatus } from '../../core/migrations/status.js';
import { findingsOf, type Finding } from './finding.js';

const { ok, warn, problem } = findingsOf('migrations');

/** Pending, changed and unknown migrations, from `migrationStatus` (read as the owner). */
export function checkMigrations(status: MigrationStatus): Finding[] {
  const findings: Finding[] = [
    ...status.mismatched.map((m) =>
      problem(`${m.name} changed since it was applied (${m.changedFiles.join(', ')}); migrate refuses to run`),
    ),
    ...status.pending.map((m) => problem(`${m.name} is pending (run org-data migrate)`)),
    ...status.unknown.map((m) => warn(`${m.name} was applied by a newer release of @org/data`)),
  ];
  if (status.mismatched.length === 0 && status.pending.length === 0) {
    findings.unshift(ok(`${status.applied.length} applied, none pending`));
  }
  return findings;
}
