/**
 * How a doctor finding counts: `problem` makes `doctor` exit 5; `warn` and `skip` are printed
 * only; `ok` says a check passed.
 */
type FindingLevel = 'ok' | 'warn' | 'skip' | 'problem';

/** The checks of `org-data doctor`, in the order they run. */
export type CheckName = 'migrations' | 'tenancy' | 'app-role' | 'app-login' | 'partitions' | 'events';

/** One line of `org-data doctor`. Messages name objects and roles' attributes, never secrets. */
export interface Finding {
  readonly level: FindingLevel;
  readonly check: CheckName;
  readonly message: string;
}

/** Builds the findings of one check. */
export function findingsOf(check: CheckName) {
  return {
    ok: (message: string): Finding => ({ level: 'ok', check, message }),
    warn: (message: string): Finding => ({ level: 'warn', check, message }),
    skip: (message: string): Finding => ({ level: 'skip', check, message }),
    problem: (message: string): Finding => ({ level: 'problem', check, message }),
  };
}

/** A finding as printed: `problem  tenancy: notes: row-level security not forced`. */
export function formatFinding(finding: Finding): string {
  return `${finding.level.padEnd(8)} ${finding.check}: ${finding.message}`;
}
