import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { ConfigurationError } from '../core/config/configuration-error.js';
import type { LoadedDatabaseConfig } from '../core/config/database-connection-config.js';
import type { DatabaseEnvironment } from '../core/config/load-database-config.js';
import type { CliIo } from './cli-io.js';
import { printable, type CliCommand, type CommandContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { loadCliConfig, openCliDatabase } from './connection.js';
import { describeFailure, type FailedConnection } from './describe-failure.js';
import { EXIT } from './exit-codes.js';
import { commandUsage, usage } from './usage.js';
import { UsageError } from './usage-error.js';
import { VERSION } from './version.js';

/** Where `runCli` reads its configuration and writes its output. */
export interface RunCliOptions {
  /** The environment the connections are configured from. */
  readonly env: DatabaseEnvironment;
  /** Where to print. */
  readonly io: CliIo;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function findCommand(name: string): CliCommand<unknown> | undefined {
  return COMMANDS.find((command) => command.name === name);
}

function usageError(io: CliIo, message: string, text: string): number {
  io.err(`org-data: ${message}\n\n${text}`);
  return EXIT.usage;
}

/** `org-data help [COMMAND]`. */
function help(args: readonly string[], io: CliIo): number {
  if (args.length === 0) {
    io.out(usage());
    return EXIT.ok;
  }
  const command = args.length === 1 ? findCommand(args[0] as string) : undefined;
  if (!command) return usageError(io, `help: unknown command "${printable(args.join(' '))}"`, usage());
  io.out(commandUsage(command));
  return EXIT.ok;
}

/** Runs one command and closes every pool it opened. */
async function runCommand(command: CliCommand<unknown>, input: unknown, options: RunCliOptions): Promise<number> {
  const pools: Kysely<any>[] = [];
  const used: FailedConnection[] = [];
  const context: CommandContext = {
    env: options.env,
    io: options.io,
    async loadConfig(connection) {
      const config = await loadCliConfig(options.env, connection);
      used.push({ role: connection, variable: config.variable });
      return config;
    },
    open(config: LoadedDatabaseConfig) {
      const db = openCliDatabase(config);
      pools.push(db);
      return db;
    },
  };
  try {
    return await command.run(input, context);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      options.io.err(`org-data: ${describeFailure(error)}`);
      return EXIT.config;
    }
    options.io.err(`org-data: cannot run ${command.name}: ${describeFailure(error, used[0])}`);
    return EXIT.failed;
  } finally {
    await Promise.allSettled(pools.map((db) => db.destroy()));
  }
}

/**
 * Runs `org-data` with `argv` (the arguments after the program name) and resolves to its exit
 * code; never rejects. A bad command line is refused (exit 64) before the configuration is read;
 * a bad configuration (exit 78) before anything is connected.
 */
export async function runCli(argv: readonly string[], options: RunCliOptions): Promise<number> {
  const { io } = options;
  const [name, ...rest] = argv;
  if (name === undefined) return usageError(io, 'no command given', usage());
  if (name === '--version') {
    io.out(VERSION);
    return EXIT.ok;
  }
  if (name === '-h' || name === '--help') {
    io.out(usage());
    return EXIT.ok;
  }
  if (name === 'help') return help(rest, io);
  const command = findCommand(name);
  if (!command) {
    const what = name.startsWith('-') ? 'unknown option' : 'unknown command';
    return usageError(io, `${what} "${printable(name)}"`, usage());
  }
  let input: unknown;
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    // No option is declared `multiple`, so every value is a string or a boolean.
    const values = parsed.values as Readonly<Record<string, string | boolean | undefined>>;
    if (values.help === true) {
      io.out(commandUsage(command));
      return EXIT.ok;
    }
    input = command.parse({ values, positionals: parsed.positionals });
  } catch (error) {
    // parseArgs's own errors (unknown option, missing value) carry a code ERR_PARSE_ARGS_*.
    const message = error instanceof UsageError || isParseArgsError(error) ? (error as Error).message : 'invalid command line';
    return usageError(io, `${command.name}: ${message}`, commandUsage(command));
  }
  return runCommand(command, input, options);
}
