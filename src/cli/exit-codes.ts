/**
 * The exit codes of `org-data` (documented in docs/cli.md). 64 and 78 are the BSD sysexits
 * `EX_USAGE` and `EX_CONFIG`.
 */
export const EXIT = Object.freeze({
  /** Done; for `status`, up to date; for `doctor`, no problem found. */
  ok: 0,
  /** The command failed: the database refused or was unreachable, a migration failed, … */
  failed: 1,
  /** `status`: migrations are pending. */
  pending: 3,
  /** `status`: an applied migration changed since it was applied. */
  mismatched: 4,
  /** `doctor`: at least one problem was found (each printed on a `problem` line). */
  problems: 5,
  /** Bad command line: unknown command or option, missing or invalid argument. */
  usage: 64,
  /** Bad configuration (environment variables): missing, invalid or placeholder; nothing was connected. */
  config: 78,
} as const);
