import type { CliCommand } from './command.js';
import { COMMANDS } from './commands/index.js';

/** The text of `org-data help` (and of `org-data` with a bad command line, on stderr). */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length), 'help [COMMAND]'.length) + 2;
  return [
    'Usage: org-data <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    `  ${'help [COMMAND]'.padEnd(width)}show this help, or a command's options`,
    '',
    'Options:',
    '  -h, --help        show help (after a command: its help)',
    '  --version         print the version of @org/data',
    '',
    'Connections (environment variables; see docs/cli.md):',
    '  DATABASE_OWNER_URL | DATABASE_OWNER_SECRET_ARN   the schema owner: migrate, rollback, status,',
    '                                                   seed, audit-partitions, doctor (default: the',
    '                                                   application connection below)',
    '  DATABASE_URL | DATABASE_SECRET_ARN               the application role (doctor checks it)',
    '  DATABASE_SSL_MODE, DATABASE_SSL_CA               TLS of both',
    '',
    'Exit codes: 0 ok, 1 failed, 3 pending (status), 4 mismatched (status), 5 problems (doctor),',
    '64 usage, 78 configuration.',
  ].join('\n');
}

/** The text of `org-data help <command>` and `org-data <command> --help`. */
export function commandUsage(command: CliCommand<unknown>): string {
  return [`Usage: org-data ${command.synopsis}`, '', ...command.details].join('\n');
}
