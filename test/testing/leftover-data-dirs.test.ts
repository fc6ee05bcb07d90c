// An embedded server whose test run was killed (SIGKILL: no teardown) keeps running on its data
// directory; the next start stops it and removes the directory. Directories of live runs stay.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_DIR_PREFIX, OWNER_FILE, removeLeftoverDataDirs } from '../../src/testing/leftover-data-dirs.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('leftover embedded data directories', () => {
  it('removes directories whose owner is gone; keeps those of live owners and young unowned ones', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'org-data-leftover-'));
    try {
      const make = (name: string, owner?: number) => {
        const dir = join(parent, `${DATA_DIR_PREFIX}${name}`);
        mkdirSync(join(dir, 'data'), { recursive: true });
        if (owner !== undefined) writeFileSync(join(dir, OWNER_FILE), String(owner));
        return dir;
      };
      const gone = make('gone', await deadPid());
      const live = make('live', process.pid);
      const young = make('young');
      const other = join(parent, 'unrelated');
      mkdirSync(other);
      expect(await removeLeftoverDataDirs(parent)).toBe(1);
      expect([existsSync(gone), existsSync(live), existsSync(young), existsSync(other)]).toEqual([false, true, true, true]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('stops the server of a killed run and removes its directory', { timeout: 120_000 }, async () => {
    // A run that starts an embedded server and is then killed without its teardown.
    const script = `
      import { startPostgresServer } from ${JSON.stringify(new URL('../../src/testing/postgres-server.ts', import.meta.url).href)};
      const server = await startPostgresServer({ url: null, announce: false });
      console.log('ready ' + server.adminUrl);
      setInterval(() => undefined, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready ')) resolve(out);
      });
      child.on('exit', (code) => reject(new Error(`the child exited (${code}) before its server was ready`)));
    });
    expect(ready).toContain('ready postgres://');
    // Find its directory: owned by the child.
    const dirs = readdirSync(tmpdir()).filter((d) => d.startsWith(DATA_DIR_PREFIX));
    const dir = dirs
      .map((d) => join(tmpdir(), d))
      .find((d) => existsSync(join(d, OWNER_FILE)) && readFileSync(join(d, OWNER_FILE), 'utf8') === String(child.pid));
    expect(dir).toBeDefined();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const postmaster = Number(readFileSync(join(dir!, 'data', 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
    expect(alive(postmaster)).toBe(true); // the orphan still runs

    await removeLeftoverDataDirs(tmpdir());
    expect(alive(postmaster)).toBe(false);
    expect(existsSync(dir!)).toBe(false);
  });
});
