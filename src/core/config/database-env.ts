import { z } from 'zod';
import { ConfigTextSchema, SecretArnSchema, SslModeSchema } from './config-fields.js';

/**
 * Which of a service's two connections to load:
 * - `application`: what the service runs its traffic as, a login role granted `org_data_app`
 *   (`DATABASE_URL` or `DATABASE_SECRET_ARN`);
 * - `owner`: the role that owns the schema and runs migrations, seeding and partition
 *   maintenance (`DATABASE_OWNER_URL` or `DATABASE_OWNER_SECRET_ARN`; when neither is set, the
 *   application variables are used, so a development setup with one superuser keeps working).
 */
export type DatabaseConnectionRole = 'application' | 'owner';

/** The environment variables naming the credentials of each connection. */
export const CONNECTION_VARIABLES = Object.freeze({
  application: Object.freeze({ url: 'DATABASE_URL', secretArn: 'DATABASE_SECRET_ARN' }),
  owner: Object.freeze({ url: 'DATABASE_OWNER_URL', secretArn: 'DATABASE_OWNER_SECRET_ARN' }),
} as const);

/** The name of a variable that holds credentials (a URL or a secret ARN). */
export type CredentialsVariable =
  (typeof CONNECTION_VARIABLES)[DatabaseConnectionRole][keyof (typeof CONNECTION_VARIABLES)['owner']];

/** Where one connection's credentials come from: the variable and its validated value. */
export type CredentialsSetting =
  | { readonly kind: 'url'; readonly variable: CredentialsVariable; readonly value: string }
  | { readonly kind: 'secret'; readonly variable: CredentialsVariable; readonly value: string };

const EnvShape = z.object({
  DATABASE_URL: ConfigTextSchema.optional(),
  DATABASE_SECRET_ARN: SecretArnSchema.optional(),
  DATABASE_OWNER_URL: ConfigTextSchema.optional(),
  DATABASE_OWNER_SECRET_ARN: SecretArnSchema.optional(),
  DATABASE_SSL_MODE: SslModeSchema.optional(),
  DATABASE_SSL_CA: ConfigTextSchema.optional(),
});

/** The validated database environment variables (see {@link databaseEnvSchema}). */
type DatabaseEnv = z.output<typeof EnvShape>;

/** Whether the owner variables are set: the owner connection is then separate from the application's. */
function ownerIsSet(env: DatabaseEnv): boolean {
  return env.DATABASE_OWNER_URL !== undefined || env.DATABASE_OWNER_SECRET_ARN !== undefined;
}

/**
 * The credentials setting of `connection` in a validated environment: for the owner, the owner
 * variables when one is set, else the application ones. `undefined` when none is set.
 */
export function credentialsSetting(env: DatabaseEnv, connection: DatabaseConnectionRole): CredentialsSetting | undefined {
  const names = CONNECTION_VARIABLES[connection === 'owner' && ownerIsSet(env) ? 'owner' : 'application'];
  const url = env[names.url];
  if (url !== undefined) return { kind: 'url', variable: names.url, value: url };
  const arn = env[names.secretArn];
  return arn === undefined ? undefined : { kind: 'secret', variable: names.secretArn, value: arn };
}

/**
 * The environment variables `loadDatabaseConfig` reads. Each one, when set, must be a usable
 * value: an empty or placeholder value is rejected, not treated as unset, whichever connection
 * is loaded (a broken variable is refused at start-up, not when it is first needed). Other
 * variables are ignored.
 *
 * - `DATABASE_URL` / `DATABASE_SECRET_ARN`: the application connection, a
 *   `postgres://user:password@host:port/database?sslmode=…` URL or the ARN of an AWS Secrets
 *   Manager secret holding the connection fields as JSON. Exactly one must be set to load the
 *   application connection.
 * - `DATABASE_OWNER_URL` / `DATABASE_OWNER_SECRET_ARN`: the owner (migration) connection, in
 *   the same two forms; at most one may be set. When neither is, the owner connection uses the
 *   application variables.
 * - `DATABASE_SSL_MODE`: `disable`, `require` or `verify-full` (see {@link SslModeSchema}), for
 *   both connections.
 * - `DATABASE_SSL_CA`: the CA bundle as PEM text, or the path of a PEM file, for both.
 */
export function databaseEnvSchema(connection: DatabaseConnectionRole) {
  return EnvShape.superRefine((env, ctx) => {
    for (const names of [CONNECTION_VARIABLES.application, CONNECTION_VARIABLES.owner]) {
      if (env[names.url] !== undefined && env[names.secretArn] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [names.secretArn], message: `must not be set together with ${names.url}` });
      }
    }
    if (credentialsSetting(env, connection) !== undefined) return;
    const app = CONNECTION_VARIABLES.application;
    const owner = CONNECTION_VARIABLES.owner;
    ctx.addIssue(
      connection === 'owner'
        ? {
            code: 'custom',
            path: [owner.url],
            message:
              `is missing (set ${owner.url} or ${owner.secretArn}; ` +
              `or ${app.url} or ${app.secretArn}, which the owner connection then uses too)`,
          }
        : { code: 'custom', path: [app.url], message: `is missing (set ${app.url} or ${app.secretArn})` },
    );
  });
}
