import { z } from 'zod';
import { ConfigTextSchema, HostSchema, PortSchema } from './config-fields.js';
import { ConfigurationError } from './configuration-error.js';
import type { DatabaseCredentials } from './database-credentials.js';
import { parseConfig } from './parse-config.js';

/** The environment variable naming the secret by default; prefixes issue paths. */
const DEFAULT_KEY = 'DATABASE_SECRET_ARN';

/** Which key of the secret holds a field that has an alias; the first present one wins. */
function presentKeys(secret: Record<string, unknown>, keys: readonly [string, string]): string[] {
  const present = keys.filter((key) => secret[key] != null);
  return present.length > 0 ? present : [keys[0]];
}

/**
 * The schema for this secret. `host`/`hostname` and `dbname`/`database` are aliases: whichever
 * is present is validated under its own name (so an error names the key the secret really
 * has); when both are present they must agree; when neither is, the first name is reported.
 */
function secretSchema(secret: Record<string, unknown>) {
  const hostKeys = presentKeys(secret, ['host', 'hostname']);
  const databaseKeys = presentKeys(secret, ['dbname', 'database']);
  const shape: Record<string, z.ZodType> = { username: ConfigTextSchema, password: ConfigTextSchema, port: PortSchema };
  for (const key of hostKeys) shape[key] = HostSchema;
  for (const key of databaseKeys) shape[key] = ConfigTextSchema;
  return z
    .object(shape)
    .superRefine((fields, ctx) => {
      for (const keys of [hostKeys, databaseKeys]) {
        const [first, second] = keys;
        if (first && second && fields[first] !== fields[second]) {
          ctx.addIssue({ code: 'custom', path: [second], message: `differs from ${first}` });
        }
      }
    })
    .transform(
      (fields): DatabaseCredentials => ({
        host: fields[hostKeys[0] as string] as string,
        port: fields.port as number,
        user: fields.username as string,
        password: fields.password as string,
        database: fields[databaseKeys[0] as string] as string,
      }),
    );
}

/**
 * Reads the JSON of a database secret, in the shape AWS Secrets Manager uses for RDS:
 * `username`, `password`, `host` (or `hostname`), `port` (a number or a numeric string) and
 * `dbname` (or `database`). Other keys (`engine`, `dbInstanceIdentifier`, …) are ignored.
 *
 * Every field is validated before anything is built: a missing key, a wrong type, a blank value
 * or a placeholder is rejected by name, e.g. `DATABASE_SECRET_ARN.password is a placeholder`.
 *
 * @param variable The variable naming the secret, which every issue path starts with.
 *   (Default: `DATABASE_SECRET_ARN`)
 * @throws ConfigurationError naming every rejected key; never the secret or any value of it
 *   (not even the JSON parser's message, which quotes the input).
 */
export function parseDatabaseSecret(secretString: string, variable: string = DEFAULT_KEY): DatabaseCredentials {
  if (secretString.trim() === '') throw new ConfigurationError([{ path: variable, message: 'secret is empty' }]);
  let secret: unknown;
  try {
    secret = JSON.parse(secretString);
  } catch {
    throw new ConfigurationError([{ path: variable, message: 'secret is not valid JSON' }]);
  }
  if (typeof secret !== 'object' || secret === null || Array.isArray(secret)) {
    throw new ConfigurationError([{ path: variable, message: 'secret must be a JSON object' }]);
  }
  return Object.freeze(parseConfig(secretSchema(secret as Record<string, unknown>), secret, variable));
}
