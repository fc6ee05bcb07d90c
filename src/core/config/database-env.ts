import { z } from 'zod';
import { ConfigTextSchema, SecretArnSchema, SslModeSchema } from './config-fields.js';

/**
 * The environment variables `loadDatabaseConfig` reads. Each one, when set, must be a
 * usable value: an empty or placeholder value is rejected, not treated as unset. Exactly one
 * of `DATABASE_URL` and `DATABASE_SECRET_ARN` must be set. Other variables are ignored.
 *
 * - `DATABASE_URL`: a `postgres://user:password@host:port/database?sslmode=…` URL.
 * - `DATABASE_SECRET_ARN`: the ARN of an AWS Secrets Manager secret holding the connection
 *   fields as JSON.
 * - `DATABASE_SSL_MODE`: `disable`, `require` or `verify-full` (see {@link SslModeSchema}).
 * - `DATABASE_SSL_CA`: the CA bundle as PEM text, or the path of a PEM file.
 */
export const DatabaseEnvSchema = z
  .object({
    DATABASE_URL: ConfigTextSchema.optional(),
    DATABASE_SECRET_ARN: SecretArnSchema.optional(),
    DATABASE_SSL_MODE: SslModeSchema.optional(),
    DATABASE_SSL_CA: ConfigTextSchema.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL === undefined && env.DATABASE_SECRET_ARN === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is missing (set DATABASE_URL or DATABASE_SECRET_ARN)',
      });
    } else if (env.DATABASE_URL !== undefined && env.DATABASE_SECRET_ARN !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_SECRET_ARN'],
        message: 'must not be set together with DATABASE_URL',
      });
    }
  });

/** The validated database environment variables (see {@link DatabaseEnvSchema}). */
type DatabaseEnv = z.output<typeof DatabaseEnvSchema>;
