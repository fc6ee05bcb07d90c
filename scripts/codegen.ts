// npm run codegen            regenerate src/migrations/embedded-migrations.ts, src/schema/db.ts and
//                            docs/er-diagram.md
// npm run codegen -- --verify fail (exit 1) when any is out of date with sql/migrations
//
// Starts an embedded PostgreSQL, applies every migration from sql/, and runs kysely-codegen
// against the migrated catalog.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { renderErDiagram } from './lib/er-diagram.js';
import { readSqlMigrations, renderEmbeddedModule } from './lib/sql-migrations.js';

const verify = process.argv.includes('--verify');
const root = join(import.meta.dirname, '..');
const embeddedPath = join(root, 'src', 'core', 'migrations', 'embedded-migrations.ts');
const dbTypesPath = join(root, 'src', 'schema', 'db.ts');
const erDiagramPath = join(root, 'docs', 'er-diagram.md');

const migrations = readSqlMigrations();
const embedded = renderEmbeddedModule(migrations);
let failed = false;

/** Writes `content` to `path`, or with --verify reports (and fails) when the file differs. */
function writeOrVerify(path: string, content: string, what = ''): void {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // first run
  }
  if (committed === content) return;
  if (verify) {
    console.error(`${path} is out of date with sql/migrations: run npm run codegen`);
    failed = true;
  } else {
    writeFileSync(path, content);
    console.log(`wrote ${path}${what}`);
  }
}

writeOrVerify(embeddedPath, embedded, ` (${migrations.length} migrations)`);

// Imported only now: these modules load the embedded-migrations module written above.
const { createDatabase } = await import('../src/core/database/create-database.js');
const { migrate } = await import('../src/core/migrations/migrate.js');
const { startPostgresServer } = await import('../src/testing/postgres-server.js');

// Always an embedded server: the generated types must not depend on what DATABASE_URL holds.
const server = await startPostgresServer({ url: null });
try {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE org_data_codegen');
  await admin.end();
  const url = server.adminUrl.replace(/\/postgres$/, '/org_data_codegen');
  const db = createDatabase({ connectionString: url });
  await migrate(db, { migrations });
  await db.destroy();
  const catalog = new pg.Client({ connectionString: url });
  await catalog.connect();
  const diagram = await renderErDiagram(catalog).finally(() => catalog.end());
  writeOrVerify(erDiagramPath, diagram);
  const args = [
    '--dialect', 'postgres',
    '--url', url,
    '--out-file', dbTypesPath,
    '--exclude-pattern', 'org_data_migrations',
    '--date-parser', 'string',
    '--log-level', 'error',
    // jsonb columns typed with the documents the package validates (src/schema/json-columns.ts);
    // writes stay JSON text, as the repositories send them.
    '--custom-imports', JSON.stringify({
      OrganizationSettings: './json-columns.js',
      Metadata: './json-columns.js',
      AuditSnapshot: './json-columns.js',
      EventPayload: './json-columns.js',
      FormDefinitionDocument: './json-columns.js',
    }),
    '--overrides', JSON.stringify({
      columns: {
        'organizations.settings': 'Generated<ColumnType<OrganizationSettings, string, string>>',
        'clients.metadata': 'Generated<ColumnType<Metadata, string, string>>',
        'documents.metadata': 'Generated<ColumnType<Metadata, string, string>>',
        'audit_logs.before': 'ColumnType<AuditSnapshot | null, string | null, never>',
        'audit_logs.after': 'ColumnType<AuditSnapshot | null, string | null, never>',
        'domain_events.payload': 'ColumnType<EventPayload, string, never>',
        'form_versions.definition': 'ColumnType<FormDefinitionDocument, string, string>',
      },
    }),
  ];
  if (verify) args.push('--verify');
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'kysely-codegen'), args, { stdio: 'inherit' });
    if (!verify) console.log(`wrote ${dbTypesPath}`);
  } catch {
    console.error(`${dbTypesPath} is out of date with sql/migrations: run npm run codegen`);
    failed = true;
  }
} finally {
  await server.stop();
}
process.exit(failed ? 1 : 0);
