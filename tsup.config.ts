import { defineConfig } from 'tsup';

// Library entries ship as ESM and CJS with declarations; the CLI is ESM only.
// Migrations are embedded in the bundle (src/migrations/embedded-migrations.ts, generated
// from sql/), so nothing reads the file system at run time.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
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
