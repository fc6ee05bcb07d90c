import { defineConfig } from 'tsup';

// Library entries ship as ESM and CJS with declarations; the CLI is ESM only.
// Each entry is a subpath of the package's `exports` map (package.json):
//   index → `@org/data` (compatibility façade), identity → `@org/data/identity`,
//   documents → `@org/data/documents`, events → `@org/data/events`,
//   integrations → `@org/data/integrations`, forms → `@org/data/forms`,
//   workflows → `@org/data/workflows`, schemas → `@org/data/schemas` (zod only),
//   testing → `@org/data/testing`.
// Splitting puts code shared by several entries into chunks keyed by which entries reach it, so
// `schemas` imports only chunks of zod code and never a chunk that imports `pg` or `kysely`
// (test/public/schemas-isolation.test.ts and scripts/pack-smoke.sh check it).
// Migrations are embedded in the bundle (src/core/migrations/embedded-migrations.ts, generated
// from sql/), so nothing reads the file system at run time.
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      identity: 'src/contexts/identity/index.ts',
      documents: 'src/contexts/documents/index.ts',
      events: 'src/contexts/events/index.ts',
      integrations: 'src/contexts/integrations/index.ts',
      forms: 'src/contexts/forms/index.ts',
      workflows: 'src/contexts/workflows/index.ts',
      schemas: 'src/schemas.ts',
      testing: 'src/testing/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    splitting: true,
    treeshake: true,
  },
  {
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
