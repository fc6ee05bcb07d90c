// The package's entries are named in four places that must agree: package.json `exports` (what
// services import, and what attw checks: every subpath of the map), `typesVersions` (types of
// the subpaths under node10 resolution), tsup.config.ts (what is built) and knip.json (what counts
// as used). Each entry also has its type test in test/types. A subpath added to one list and not
// the others fails here, not in a service.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import tsupConfig from '../../tsup.config.js';
import { REPO_ROOT } from './module-loads.js';

interface Conditions {
  import: { types: string; default: string };
  require: { types: string; default: string };
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, Conditions | string>;
  typesVersions: Record<string, Record<string, string[]>>;
  main: string;
  module: string;
  types: string;
};
const knip = JSON.parse(
  readFileSync(join(REPO_ROOT, 'knip.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
) as { entry: string[] };

/** Build entry name → source file, from the library build of tsup.config.ts. */
const built = (() => {
  if (!Array.isArray(tsupConfig)) throw new Error('tsup.config.ts should export a list of builds');
  const library = tsupConfig.find((build) => build.dts === true);
  return (library?.entry ?? {}) as Record<string, string>;
})();

/** `exports` subpath → entry name: '.' is `index`, './identity' is `identity`. */
const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
const entryName = (subpath: string) => (subpath === '.' ? 'index' : subpath.slice(2));

describe('package entries', () => {
  it('exports lists the root and the eight subpaths', () => {
    expect(subpaths).toEqual(['.', './identity', './documents', './events', './integrations', './forms', './workflows', './schemas', './testing']);
  });

  it.each(subpaths)('%s: ESM and CJS files with their own declarations, built by tsup from a source that exists', (subpath) => {
    const name = entryName(subpath);
    expect(pkg.exports[subpath]).toEqual({
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    });
    const source = built[name];
    expect(source, `tsup entry ${name}`).toBeDefined();
    expect(existsSync(join(REPO_ROOT, source!)), source).toBe(true);
    expect(
      knip.entry.some((pattern) => pattern === source || new RegExp(`^${pattern.replace(/\*/g, '[^/]+')}$`).test(source!)),
      `knip.json entry for ${source}`,
    ).toBe(true);
    const typeTest = join(REPO_ROOT, 'test', 'types', `${name === 'index' ? 'root' : name}.test-d.ts`);
    expect(existsSync(typeTest), typeTest).toBe(true);
  });

  it('tsup builds no library entry that exports does not publish', () => {
    expect(Object.keys(built).sort()).toEqual(subpaths.map(entryName).sort());
  });

  it('node10 resolution: main/types point at the root, typesVersions at every subpath', () => {
    expect([pkg.main, pkg.module, pkg.types]).toEqual(['./dist/index.cjs', './dist/index.js', './dist/index.d.cts']);
    const mapped = pkg.typesVersions['*'] ?? {};
    expect(mapped).toEqual(
      Object.fromEntries(subpaths.filter((s) => s !== '.').map((s) => [entryName(s), [`./dist/${entryName(s)}.d.cts`]])),
    );
  });
});
