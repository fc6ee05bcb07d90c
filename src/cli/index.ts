// org-data: migrate | rollback | status | seed, against DATABASE_URL.
import { parseArgs } from 'node:util';
import { createDatabase } from '../core/database/create-database.js';
import { DataError } from '../core/errors/data-error.js';
import { migrate } from '../core/migrations/migrate.js';
import { rollback } from '../core/migrations/rollback.js';
import { migrationStatus } from '../core/migrations/status.js';
import { seedDefaults } from '../contexts/identity/seeders/seed-defaults.js';
import { createAuditPartitions, dropAuditPartitionsBefore } from '../core/audit/audit-partitions.js';

const USAGE = `Usage: org-data <command> [options]   (connects to DATABASE_URL)

Commands:
  migrate [--to NAME]             apply pending migrations (up to NAME)
  rollback --steps N | --to NAME  roll back the last N migrations, or all after NAME
  status [--sql]                  list applied, pending, mismatched and unknown migrations;
                                  --sql prints the SQL of pending ones. Exit code 0 when up
                                  to date, 3 when migrations are pending, 4 when mismatched
  seed                            create the default roles and permissions (idempotent)
  audit-partitions [--months-ahead N] [--drop-before YYYY-MM-DD]
                                  create monthly audit_logs partitions for this month and
                                  N more (default 3); with --drop-before, also drop whole
                                  months that end on or before that date (retention)

Options:
  --lock-timeout MS               lock_timeout for each migration (default 5000)
  --statement-timeout MS          statement_timeout for each migration (default 900000)
  -h, --help                      show this help`;

/** Exit codes of the CLI. */
const EXIT = { ok: 0, failed: 1, pending: 3, mismatched: 4, usage: 64 } as const;

function fail(message: string, code: number = EXIT.failed): never {
  process.stderr.write(`org-data: ${message}\n`);
  process.exit(code);
}

function integer(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) fail(`${name} must be a whole number ≥ ${min}`, EXIT.usage);
  return Number(value);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        to: { type: 'string' },
        steps: { type: 'string' },
        sql: { type: 'boolean', default: false },
        'lock-timeout': { type: 'string' },
        'statement-timeout': { type: 'string' },
        'months-ahead': { type: 'string' },
        'drop-before': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`, EXIT.usage);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (!['migrate', 'rollback', 'status', 'seed', 'audit-partitions'].includes(command)) {
    fail(`unknown command "${command}"\n\n${USAGE}`, EXIT.usage);
  }
  if (values.to !== undefined && values.to.trim() === '') fail('--to needs a migration name', EXIT.usage);
  const dropBefore = values['drop-before'];
  if (dropBefore !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(dropBefore) || Number.isNaN(Date.parse(dropBefore)))) {
    fail('--drop-before must be a date YYYY-MM-DD', EXIT.usage);
  }
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) fail('DATABASE_URL is not set', EXIT.usage);
  const timeouts = {
    lockTimeoutMs: integer(values['lock-timeout'], '--lock-timeout'),
    statementTimeoutMs: integer(values['statement-timeout'], '--statement-timeout'),
  };
  const db = createDatabase({ connectionString, max: 1, applicationName: 'org-data-cli' });
  try {
    switch (command) {
      case 'migrate': {
        const { applied } = await migrate(db, { ...timeouts, ...(values.to === undefined ? {} : { to: values.to }) });
        process.stdout.write(applied.length ? applied.map((n) => `applied ${n}\n`).join('') : 'nothing to apply\n');
        return EXIT.ok;
      }
      case 'rollback': {
        const steps = integer(values.steps, '--steps', 1);
        if ((steps === undefined) === (values.to === undefined)) fail('rollback needs exactly one of --steps N or --to NAME', EXIT.usage);
        const target = steps !== undefined ? { steps } : { to: values.to as string };
        const { rolledBack } = await rollback(db, target, timeouts);
        process.stdout.write(rolledBack.length ? rolledBack.map((n) => `rolled back ${n}\n`).join('') : 'nothing to roll back\n');
        return EXIT.ok;
      }
      case 'status': {
        const status = await migrationStatus(db);
        const lines = [
          ...status.applied.map((m) => `applied     ${m.name}  ${m.appliedAt.toISOString()}  ${m.durationMs} ms`),
          ...status.mismatched.map((m) => `MISMATCHED  ${m.name}  (changed since applied: ${m.changedFiles.join(', ')})`),
          ...status.unknown.map((m) => `unknown     ${m.name}  (applied by a newer release)`),
          ...status.pending.map((m) => `pending     ${m.name}${m.transactional ? '' : '  (no transaction)'}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
        if (values.sql) {
          for (const m of status.pending) process.stdout.write(`\n-- ${m.name}\n${m.sql.trimEnd()}\n`);
        }
        if (status.mismatched.length) return EXIT.mismatched;
        return status.pending.length ? EXIT.pending : EXIT.ok;
      }
      case 'audit-partitions': {
        const monthsAhead = integer(values['months-ahead'], '--months-ahead') ?? 3;
        const { created, movedRows } = await createAuditPartitions(db, { monthsAhead });
        process.stdout.write(
          created.length ? created.map((n) => `created ${n}\n`).join('') : 'all partitions exist\n',
        );
        if (movedRows > 0) process.stdout.write(`moved ${movedRows} rows out of audit_logs_default\n`);
        if (dropBefore !== undefined) {
          const dropped = await dropAuditPartitionsBefore(db, new Date(`${dropBefore}T00:00:00Z`));
          process.stdout.write(dropped.length ? dropped.map((n) => `dropped ${n}\n`).join('') : 'nothing to drop\n');
        }
        return EXIT.ok;
      }
      default: {
        const result = await seedDefaults(db);
        process.stdout.write(
          `seeded: ${result.roles} roles, ${result.permissions} permissions, ${result.grants} grants created\n`,
        );
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof DataError) fail(`cannot run ${command}: ${error.code}: ${error.message}`);
    const code = (error as { code?: unknown }).code;
    // Connection failures (ECONNREFUSED, authentication): name the problem, not the URL.
    fail(`cannot run ${command}: ${typeof code === 'string' ? `${code} ` : ''}${(error as Error).message}`);
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
