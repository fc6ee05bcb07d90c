// The JSON is bundled into dist/cli.js by tsup (esbuild), so the built bin reads no file at run
// time and prints the version it was built from, wherever it is installed.
import packageJson from '../../package.json' with { type: 'json' };

/** The package's version, e.g. `0.7.0`. */
export const VERSION: string = packageJson.version;
