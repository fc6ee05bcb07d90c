// npm run bench / bench:verify, step 1: builds the benchmark into .bench/bench.js (ES module)
// with tsup, the compiler that builds dist/, so the package code it times is compiled as
// services install it. Run through tsx, the benchmark timed code that tsx transforms with
// esbuild's keepNames: a `__name(fn, "…")` call around every function and class created, so
// every closure a repository or unit of work builds per call paid a defineProperty that dist/
// does not have (0 in dist/). Dependencies stay external (resolved from node_modules, as a
// service resolves them); only the repository's own code (src/, scripts/) is bundled.
import { build } from 'tsup';

await build({
  config: false,
  entry: { bench: 'scripts/bench.ts' },
  outDir: '.bench',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: false,
  sourcemap: false,
  dts: false,
  clean: true,
  silent: true,
  skipNodeModulesBundle: true,
});
