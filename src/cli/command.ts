import type { ParseArgsConfig } from 'node:util';
import type { Kysely } from 'kysely';
import type { DatabaseConnectionRole } from '../core/config/database-env.js';
import type { LoadedDatabaseConfig } from '../core/config/database-connection-config.js';
import type { DatabaseEnvironment } from '../core/config/load-database-config.js';
import type { DB } from '../schema/db.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/** A command line after `node:util` `parseArgs`, the command name removed. */
export interface ParsedArgs {
  /** Option values by long name: a string, `true` for a flag, `undefined` when absent. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** Arguments that are not options. */
  readonly positionals: readonly string[];
}

/** What a command runs with. */
export interface CommandContext {
  /** The environment the connections are configured from. */
  readonly env: DatabaseEnvironment;
  /** Where to print. */
  readonly io: CliIo;
  /**
   * Reads and validates one connection's configuration (see `loadDatabaseConfig`; a URL
   * without a password is accepted, for trust, peer or `PGPASSWORD` authentication).
   *
   * @throws ConfigurationError before anything is connected.
   */
  loadConfig(connection: DatabaseConnectionRole): Promise<LoadedDatabaseConfig>;
  /** Opens a pool of one connection with `config`; `runCli` closes it after the command. */
  open(config: LoadedDatabaseConfig): Kysely<DB>;
}

/** One command of `org-data`: its help, its options, and what it does. */
export interface CliCommand<I = unknown> {
  /** What is typed: `org-data <name>`. */
  readonly name: string;
  /** One line for the command list of `org-data help`. */
  readonly summary: string;
  /** The synopsis after `org-data `, e.g. `rollback --steps N | --to NAME`. */
  readonly synopsis: string;
  /** Further lines of `org-data help <name>`: options, connection, exit codes. */
  readonly details: readonly string[];
  /** The options `parseArgs` accepts (`--help` is added to every command). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Checks the parsed command line and turns it into the command's input, before any
   * configuration is read.
   *
   * @throws UsageError for a command line that cannot be run.
   */
  parse(args: ParsedArgs): I;
  /** Runs the command; resolves to the exit code. */
  run(input: I, context: CommandContext): Promise<number>;
}

/** Declares a command (an identity function that infers the input type). */
export function defineCommand<I>(command: CliCommand<I>): CliCommand<I> {
  return Object.freeze(command);
}

/**
 * Refuses positional arguments for a command that takes none.
 *
 * @throws UsageError naming the first one.
 */
export function noPositionals(args: ParsedArgs): void {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${printable(args.positionals[0] ?? '')}"`);
}

/** A command-line word safe to echo: printable ASCII, at most 40 characters. */
export function printable(word: string): string {
  const clean = word.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
