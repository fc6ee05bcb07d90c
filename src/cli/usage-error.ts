/**
 * A command line that cannot be run (unknown option, missing or invalid argument). Thrown while
 * parsing, before any configuration is read or connection made; `runCli` prints it with the
 * command's usage and exits 64. Never leaves the CLI.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
