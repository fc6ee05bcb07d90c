// A primary and a streaming hot standby on this machine, from the embedded PostgreSQL binaries
// (whatever server the run itself uses: the pair is always its own). The binaries ship no
// pg_basebackup, so the standby is a copy of the stopped primary's data directory with
// `standby.signal` and `primary_conninfo`; `recovery_min_apply_delay`, set on the standby,
// makes its lag deterministic.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, chown, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DATA_DIR_PREFIX, OWNER_FILE } from '../../src/testing/leftover-data-dirs.js';
import { loadEmbeddedPostgres } from '../../src/testing/load-embedded-postgres.js';
import { freePort } from '../../src/testing/free-port.js';

/** A primary with one streaming standby; both accept connections until {@link stop}. */
export interface ReplicatedPair {
  /** The primary's `app` database, as the superuser. */
  readonly primaryUrl: string;
  /** The standby's `app` database, as the superuser. */
  readonly replicaUrl: string;
  /** The same two as an application login role (member of `org_data_app`: row-level security applies). */
  readonly primaryAppUrl: string;
  readonly replicaAppUrl: string;
  /** Sets the standby's `recovery_min_apply_delay` (0: replay at once) and waits until it is in force. */
  setApplyDelay(ms: number): Promise<void>;
  /** Sets the standby's `primary_conninfo` (`''`: it stops receiving WAL) and reloads. */
  setPrimaryConninfo(value: 'original' | ''): Promise<void>;
  /** Stops the standby (fast shutdown); {@link startReplica} starts it again on the same data. */
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Stops both servers and removes their data. */
  stop(): Promise<void>;
}

const APP_DATABASE = 'app';

async function postgresBinary(): Promise<string> {
  const module = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return module.postgres;
}

/** The uid and gid the servers run as: the `postgres` OS user when this process is root. */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
}

/** Spawns the standby's server and resolves once it accepts read-only connections. */
function spawnStandby(binary: string, dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(binary, ['-D', dir, '-p', String(port), '-c', 'fsync=off'], { ...serverUser(), stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the standby did not start within 60 s:\n${log}`));
    }, 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ready to accept read-only connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the standby exited (${code}) before it was ready:\n${log}`));
    });
  });
}

function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Starts a primary, runs `prepare` on its `app` database (migrations, a login role…), copies its
 * data directory into a standby and starts both.
 */
export async function startReplicatedPair(prepare: (primaryUrl: string) => Promise<void>): Promise<ReplicatedPair> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const binary = await postgresBinary();
  const root = await mkdtemp(join(tmpdir(), DATA_DIR_PREFIX));
  await writeFile(join(root, OWNER_FILE), String(process.pid));
  await chmod(root, 0o755);
  const primaryDir = join(root, 'primary');
  const standbyDir = join(root, 'standby');
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const appPassword = `app-${randomBytes(12).toString('hex')}`;
  const quiet = () => undefined;
  const primary = new EmbeddedPostgres({
    databaseDir: primaryDir,
    port: primaryPort,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'wal_level=replica', '-c', 'max_wal_senders=4'],
    onLog: quiet,
    onError: quiet,
  });
  const originalConninfo = `host=127.0.0.1 port=${primaryPort} user=postgres password=${password} application_name=standby`;
  const url = (port: number, user = 'postgres', secret = password) => `postgres://${user}:${secret}@127.0.0.1:${port}/${APP_DATABASE}`;
  let standby: ChildProcess | undefined;
  try {
    await primary.initialise();
    await primary.start();
    await query(url(primaryPort).replace(`/${APP_DATABASE}`, '/postgres'), `create database ${APP_DATABASE}`);
    await prepare(url(primaryPort));
    await query(
      url(primaryPort),
      `create role app_login login password '${appPassword}' nosuperuser nobypassrls in role org_data_app`,
    );
    await primary.stop();
    await cp(primaryDir, standbyDir, { recursive: true });
    await rm(join(standbyDir, 'postmaster.pid'), { force: true });
    await writeFile(join(standbyDir, 'standby.signal'), '');
    await appendFile(join(standbyDir, 'postgresql.auto.conf'), `primary_conninfo = '${originalConninfo}'\n`);
    const { uid, gid } = serverUser();
    if (uid !== undefined && gid !== undefined) await chownTree(standbyDir, uid, gid);
    await chmod(standbyDir, 0o700);
    await primary.start();
    standby = await spawnStandby(binary, standbyDir, standbyPort);
  } catch (error) {
    await stopProcess(standby);
    await primary.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const replicaUrl = url(standbyPort);
  const pair: ReplicatedPair = {
    primaryUrl: url(primaryPort),
    replicaUrl,
    primaryAppUrl: url(primaryPort, 'app_login', appPassword),
    replicaAppUrl: url(standbyPort, 'app_login', appPassword),
    async setApplyDelay(ms) {
      await query(replicaUrl, `alter system set recovery_min_apply_delay = '${Math.trunc(ms)}ms'`);
      await query(replicaUrl, 'select pg_reload_conf()');
      // The reload is asynchronous: wait until the setting reads back.
      for (let i = 0; i < 200; i += 1) {
        const { rows } = await query(replicaUrl, `select setting from pg_settings where name = 'recovery_min_apply_delay'`);
        if (Number(rows[0].setting) === Math.trunc(ms)) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('recovery_min_apply_delay did not take effect');
    },
    async setPrimaryConninfo(value) {
      const conninfo = value === '' ? '' : originalConninfo;
      await query(replicaUrl, `alter system set primary_conninfo = '${conninfo.replace(/'/g, "''")}'`);
      await query(replicaUrl, 'select pg_reload_conf()');
    },
    async stopReplica() {
      await stopProcess(standby);
    },
    async startReplica() {
      standby = await spawnStandby(binary, standbyDir, standbyPort);
    },
    async stop() {
      await stopProcess(standby);
      await primary.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
  return pair;
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  execFileSync('chown', ['-R', `${uid}:${gid}`, dir]);
  await chown(dir, uid, gid);
}
