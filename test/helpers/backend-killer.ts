// Terminates, while it runs, about half of the backends whose application_name matches a LIKE
// pattern, every `minMs`–`maxMs`: the crash tests' stand-in for processes that die mid-claim.
import pg from 'pg';

/** A running killer: `stop()` ends it and resolves with how many backends it terminated. */
export interface BackendKiller {
  stop(): Promise<number>;
}

/** Starts terminating backends of `applicationNamePattern` (LIKE) on the database of `connectionString`. */
export function startBackendKiller(connectionString: string, applicationNamePattern: string, minMs = 50, maxMs = 150): BackendKiller {
  let killing = true;
  let killed = 0;
  const loop = (async () => {
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    try {
      while (killing) {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND application_name LIKE $1 AND random() < 0.5`,
          [applicationNamePattern],
        );
        killed += rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, minMs + Math.random() * (maxMs - minMs)));
      }
    } finally {
      await admin.end();
    }
  })();
  return {
    async stop() {
      killing = false;
      await loop;
      return killed;
    },
  };
}
