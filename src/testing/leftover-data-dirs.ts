import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The prefix of the directories embedded servers of `@org/data/testing` keep their data in. */
export const DATA_DIR_PREFIX = 'org-data-pg-';

/** The file naming the process (its pid) that owns such a directory. */
export const OWNER_FILE = 'owner.pid';

/** Directories of 0.6 and older name no owner: removed only when older than this. */
const UNOWNED_AGE_MS = 60 * 60 * 1000;

/** Whether a process with this pid exists (EPERM: it exists, as another user). */
function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const first = (await readFile(file, 'utf8')).split('\n', 1)[0]?.trim() ?? '';
    return /^\d{1,10}$/.test(first) ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a PostgreSQL server process (Linux: /proc; elsewhere assumed not). */
async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim().startsWith('postgres');
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops an orphaned server (fast shutdown, then immediate) and waits for it to exit. */
async function stopOrphan(pid: number): Promise<void> {
  for (const [signal, waitMs] of [['SIGINT', 10_000], ['SIGQUIT', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < waitMs && alive(pid); waited += 100) await sleep(100);
    if (!alive(pid)) return;
  }
}

/**
 * Removes the data directories of embedded servers whose owning process is gone (a test run that
 * was killed, or interrupted before its teardown), stopping a server still running on one.
 * Directories of live processes — another run going on now — are left alone. Best effort: a
 * directory that cannot be removed stays. Returns how many were removed.
 */
export async function removeLeftoverDataDirs(parent: string): Promise<number> {
  let entries: string[];
  try {
    entries = (await readdir(parent)).filter((entry) => entry.startsWith(DATA_DIR_PREFIX));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const dir = join(parent, entry);
    try {
      const owner = await readPid(join(dir, OWNER_FILE));
      if (owner !== undefined) {
        if (alive(owner)) continue;
      } else if (Date.now() - (await stat(dir)).mtimeMs < UNOWNED_AGE_MS) {
        continue; // maybe being created right now, or an older version's live run
      }
      for (const pidFile of [join(dir, 'data', 'postmaster.pid'), join(dir, 'postmaster.pid')]) {
        const server = await readPid(pidFile);
        if (server === undefined || !alive(server)) continue;
        // Without an owner file nothing says the run is over: a running server there stays.
        if (owner === undefined || !(await isPostgres(server))) throw new Error('in use');
        await stopOrphan(server);
      }
      await rm(dir, { recursive: true, force: true });
      removed += 1;
    } catch {
      // In use, removed by another run first, or not ours to remove.
    }
  }
  return removed;
}
