import { sql } from 'kysely';
import { CONNECTION_VARIABLES } from '../../core/config/database-env.js';
import { embeddedMigrations } from '../../core/migrations/embedded-migrations.js';
import { migrationStatus } from '../../core/migrations/status.js';
import { defineCommand, noPositionals } from '../command.js';
import { describeFailure } from '../describe-failure.js';
import { checkApplicationLogin } from '../doctor/check-app-login.js';
import { checkApplicationRole } from '../doctor/check-app-role.js';
import { checkMigrations } from '../doctor/check-migrations.js';
import { checkPartitions } from '../doctor/check-partitions.js';
import { checkTenancy } from '../doctor/check-tenancy.js';
import { checkEvents } from '../doctor/check-events.js';
import { expectedGrants } from '../doctor/expected-grants.js';
import { findingsOf, formatFinding, type CheckName, type Finding } from '../doctor/finding.js';
import { EXIT } from '../exit-codes.js';
import { wholeNumber } from '../options.js';
import { DEFAULT_MONTHS_AHEAD, MAX_MONTHS_AHEAD } from './audit-partitions.js';

/** Runs one check; a failure to check becomes a `problem` line instead of ending the run. */
async function attempt(check: CheckName, run: () => Promise<Finding[]>): Promise<Finding[]> {
  try {
    return await run();
  } catch (error) {
    return [findingsOf(check).problem(`could not check: ${describeFailure(error)}`)];
  }
}

/** `org-data doctor`: what stands between this database and serving tenants safely. */
export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'check migrations, tenant isolation, the application role, audit partitions and the event queue',
  synopsis: 'doctor [--months-ahead N]',
  details: [
    'Reads the catalog over the owner connection and prints one line per finding, each',
    '"ok", "warn", "skip" or "problem", then a summary:',
    '  migrations   pending or changed migrations (unknown ones, from a newer release, warn)',
    '  tenancy      every table with organization_id (partitions included) has row-level',
    '               security enabled and forced and a tenant policy; no widening policy',
    '  app-role     org_data_app exists without SUPERUSER/BYPASSRLS, owns nothing, and holds',
    '               exactly the privileges the applied migrations GRANT it',
    '  app-login    when DATABASE_OWNER_* and DATABASE_URL/DATABASE_SECRET_ARN are both set: the',
    '               application login role is a member of org_data_app, not SUPERUSER/BYPASSRLS',
    '  partitions   audit_logs partitions exist for this month and N ahead',
    '',
    `  --months-ahead N         partitions that must exist after this month (default ${DEFAULT_MONTHS_AHEAD})`,
    '',
    'Exit code: 0 no problem (warnings allowed), 5 problems found, 1 the owner connection',
    'failed, 78 invalid configuration.',
  ],
  options: { 'months-ahead': { type: 'string' } },
  parse(args) {
    noPositionals(args);
    return {
      monthsAhead:
        wholeNumber(args.values['months-ahead'] as string | undefined, '--months-ahead', 0, MAX_MONTHS_AHEAD) ??
        DEFAULT_MONTHS_AHEAD,
    };
  },
  async run(input, context) {
    // Both configurations are validated before anything is connected.
    const ownerConfig = await context.loadConfig('owner');
    const app = CONNECTION_VARIABLES.application;
    const separateOwner = ownerConfig.variable !== app.url && ownerConfig.variable !== app.secretArn;
    const appConfigured = context.env[app.url] !== undefined || context.env[app.secretArn] !== undefined;
    const appConfig = separateOwner && appConfigured ? await context.loadConfig('application') : undefined;

    const db = context.open(ownerConfig);
    await sql`SELECT 1`.execute(db); // an unreachable owner connection ends the run (exit 1)

    const findings: Finding[] = [];
    const report = (lines: readonly Finding[]) => {
      findings.push(...lines);
      for (const line of lines) context.io.out(formatFinding(line));
    };

    let applied = new Set<string>();
    report(
      await attempt('migrations', async () => {
        const status = await migrationStatus(db);
        applied = new Set([...status.applied, ...status.mismatched].map((m) => m.name));
        return checkMigrations(status);
      }),
    );
    report(await attempt('tenancy', () => checkTenancy(db)));
    report(
      await attempt('app-role', () =>
        checkApplicationRole(db, expectedGrants(embeddedMigrations.filter((m) => applied.has(m.name)))),
      ),
    );
    const login = findingsOf('app-login');
    if (appConfig) {
      const variable = appConfig.variable;
      report(
        await attempt('app-login', async () => {
          const appDb = context.open(appConfig);
          try {
            await sql`SELECT 1`.execute(appDb);
          } catch (error) {
            return [login.problem(`cannot connect with ${variable}: ${describeFailure(error)}`)];
          }
          return checkApplicationLogin(appDb, variable);
        }),
      );
    } else {
      const owner = CONNECTION_VARIABLES.owner;
      report([
        login.skip(
          separateOwner
            ? `no application connection (${app.url} or ${app.secretArn}) to check`
            : `${owner.url} and ${owner.secretArn} are unset, so the owner connection is the application one: not checked`,
        ),
      ]);
    }
    report(await attempt('partitions', () => checkPartitions(db, input.monthsAhead)));
    report(await attempt('events', () => checkEvents(db)));

    const problems = findings.filter((f) => f.level === 'problem').length;
    const warnings = findings.filter((f) => f.level === 'warn').length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    context.io.out(
      problems === 0
        ? `doctor: no problem found (${plural(warnings, 'warning')})`
        : `doctor: ${plural(problems, 'problem')}, ${plural(warnings, 'warning')}`,
    );
    return problems === 0 ? EXIT.ok : EXIT.problems;
  },
});
