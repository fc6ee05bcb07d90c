import pg from 'pg';

/** One statement a pg client was sent: its text and parameters. */
export interface SentStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * Records every statement sent by pg clients whose `application_name` is `applicationName`
 * (whichever pool or Kysely instance they belong to), as `client.query` receives it, until
 * `stop()`. Kysely runs every statement (`begin`/`commit` included) through `client.query`.
 */
export function recordStatements(applicationName: string): { readonly sent: SentStatement[]; stop(): void } {
  const sent: SentStatement[] = [];
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
    if (this.connectionParameters?.application_name === applicationName) {
      const [first, second] = args;
      const config = (typeof first === 'string' ? { text: first } : first) as pg.QueryConfig;
      sent.push({ sql: config.text, parameters: [...((Array.isArray(second) ? second : config.values) ?? [])] });
    }
    return original.apply(this, args);
  };
  return {
    sent,
    stop: () => {
      prototype.query = original;
    },
  };
}
