// The README's quick start, run as written (scripts/readme-check.sh, in the project the README's
// blocks were written to): a fresh database; quickstart/migrate.ts as the owner
// (DATABASE_OWNER_URL); quickstart/create-organization.ts as the owner, which prints the new
// organization's id; quickstart/grant.sql as a DBA would (the login role of the service);
// quickstart/service.ts, encrypt.ts, api-key.ts, webhook.ts, form.ts and workflow.ts as that role (DATABASE_URL). Any failure fails.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgresServer } from '../../src/testing/postgres-server.js';
import { withDatabase } from '../../src/testing/template-database.js';

const project = process.argv[2]!;
const server = await startPostgresServer();
const database = `readme_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: server.adminUrl });
await admin.connect();
// The role the README's grant.sql creates. Its name is fixed (it is written for people) and
// roles are global to the server: two checks at once on one server would drop each other's, so
// this run renames it in the statements it runs (every whole-word occurrence).
const written = readFileSync(join(project, 'quickstart', 'grant.sql'), 'utf8');
const role = /CREATE ROLE (\w+) LOGIN PASSWORD '([^']+)'/i.exec(written);
if (!role) throw new Error('quickstart/grant.sql: no CREATE ROLE … LOGIN PASSWORD … statement');
const [, writtenRole, rolePassword] = role as unknown as [string, string, string];
const roleName = `${writtenRole}_${randomBytes(4).toString('hex')}`;
const grant = written.replace(new RegExp(`\\b${writtenRole}\\b`, 'g'), roleName);

const url = (user: string, password: string) => {
  const parsed = new URL(withDatabase(server.adminUrl, database));
  parsed.username = user;
  // A trust-authenticated server ignores it; the configuration loader wants one.
  parsed.password = password;
  return parsed.toString();
};
const ownerUrl = (() => {
  const parsed = new URL(withDatabase(server.adminUrl, database));
  if (!parsed.password) parsed.password = 'trust-ignores-this';
  return parsed.toString();
})();
/** The environment a step sees: none of the runner's database variables, only `env`'s. */
const environment = (env: Record<string, string>) => {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('DATABASE_')) delete base[key];
  return { ...base, ...env };
};
const run = (file: string, env: Record<string, string>, args: string[] = []) =>
  execFileSync('npx', ['tsx', file, ...args], {
    cwd: project,
    env: environment(env),
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });

try {
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.query(`DROP ROLE IF EXISTS ${roleName}`);
  process.stdout.write(run('quickstart/migrate.ts', { DATABASE_OWNER_URL: ownerUrl }));
  const organization = run('quickstart/create-organization.ts', { DATABASE_OWNER_URL: ownerUrl });
  process.stdout.write(organization);
  const organizationId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(organization)?.[0];
  if (!organizationId) throw new Error('create-organization.ts printed no organization id');
  const dba = new pg.Client({ connectionString: withDatabase(server.adminUrl, database) });
  await dba.connect();
  await dba.query(grant).finally(() => dba.end());
  process.stdout.write(run('quickstart/service.ts', { DATABASE_URL: url(roleName, rolePassword) }, [organizationId]));
  // One master key for encrypt.ts and webhook.ts, as the README says: the organization's data
  // key that encrypt.ts makes is wrapped under it.
  const masterKey = randomBytes(32).toString('base64');
  process.stdout.write(run('quickstart/encrypt.ts', { DATABASE_URL: url(roleName, rolePassword), ORG_DATA_MASTER_KEY: masterKey }, [organizationId]));
  const keyed = run('quickstart/api-key.ts', { DATABASE_URL: url(roleName, rolePassword) });
  process.stdout.write(keyed);
  if (!/the right organization: .+\nafter revoke: no key/.test(keyed)) throw new Error('api-key.ts did not resolve its key, or resolved it after revocation');
  const hooked = run('quickstart/webhook.ts', { DATABASE_URL: url(roleName, rolePassword), ORG_DATA_MASTER_KEY: masterKey });
  process.stdout.write(hooked);
  if (!/webhook user\.registered: old and new secret verify during the overlap: true/.test(hooked)) throw new Error('webhook.ts did not verify with both secrets');
  const formed = run('quickstart/form.ts', { DATABASE_URL: url(roleName, rolePassword) });
  process.stdout.write(formed);
  if (!/refused: values\.other_reason must be absent/.test(formed)) throw new Error('form.ts did not refuse the hidden field');
  const flowed = run('quickstart/workflow.ts', { DATABASE_URL: url(roleName, rolePassword) });
  process.stdout.write(flowed);
  if (!/execution: pending in remind \| same on retry: true/.test(flowed)) throw new Error('workflow.ts did not start one execution');
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`DROP ROLE IF EXISTS ${roleName}`).catch(() => undefined);
  await admin.end();
  await server.stop();
}
