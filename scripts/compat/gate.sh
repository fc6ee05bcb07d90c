#!/usr/bin/env bash
# Compatibility gate: the PREVIOUS release's packed tarball, installed into an empty project,
# still works against a database migrated by THIS checkout (expand/contract: a service that has
# not upgraded yet keeps working after another one migrated the shared database). The previous
# release is the newest entry of releases.json; its tarball is packed from its commit (git
# history, no tags needed). See docs/releasing.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
read -r version commit < <(node -e "const r=require('./releases.json').releases; const l=r[r.length-1]; console.log(l.version, l.commit)")
git cat-file -e "$commit^{commit}" 2>/dev/null || {
  echo "compat: commit $commit of release $version is not in this clone's history (a shallow clone?): fetch it, e.g. git fetch --unshallow" >&2
  exit 1
}
work=$(mktemp -d /tmp/org-data-compat-XXXXXX)
chmod 755 "$work"
[ "${COMPAT_KEEP:-}" = 1 ] && echo "compat: keeping $work" || trap 'rm -rf "$work"' EXIT

echo "compat: packing @org/data $version from ${commit:0:12}"
mkdir "$work/src"
git archive "$commit" | tar -x -C "$work/src"
(
  cd "$work/src"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error
  npm run build >/dev/null
  npm pack --silent --pack-destination "$work" >/dev/null
)
tarball=$(ls "$work"/org-data-*.tgz)
kysely_version=$(node -p "require('$work/src/node_modules/kysely/package.json').version")

mkdir "$work/app"
cd "$work/app"
echo '{ "name": "compat-app", "version": "1.0.0", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --loglevel=error "$tarball" "kysely@$kysely_version" 2>&1 | grep -v 'nodedir' || true
cp "$root/scripts/compat/previous-release-smoke.mjs" .

cd "$root"
npx tsx scripts/compat/run-smoke.ts "$work/app"
