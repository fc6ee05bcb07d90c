import { SECRET_ARN } from './config-fields.js';
import { ConfigurationError } from './configuration-error.js';

/**
 * Reads the text of a secret, given its ARN. Inject one (e.g. in tests, or to use another
 * vault client) through `loadDatabaseConfig`'s `fetchSecret` option.
 */
export type SecretFetcher = (arn: string) => Promise<string>;

/** The optional peer dependency that {@link createAwsSecretFetcher} imports on first use. */
export const AWS_SECRETS_MANAGER_PACKAGE = '@aws-sdk/client-secrets-manager';

/** The part of `@aws-sdk/client-secrets-manager` used here, typed locally so it need not be installed. */
interface SecretsManagerModule {
  readonly SecretsManagerClient: new (config: { region?: string }) => {
    send(command: unknown): Promise<{ SecretString?: string; SecretBinary?: Uint8Array }>;
  };
  readonly GetSecretValueCommand: new (input: { SecretId: string }) => unknown;
}

/** A client of the AWS SDK, as far as this module uses it. */
type SecretsManagerClient = InstanceType<SecretsManagerModule['SecretsManagerClient']>;

function isModuleNotFound(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  // Node: "Cannot find package/module"; vite-node (tests): "Could not resolve".
  return typeof message === 'string' && /Cannot find (package|module)|Could not resolve/.test(message);
}

/**
 * Imports the AWS SDK. The specifier is a variable so that neither TypeScript nor the bundler
 * requires the package: it is an optional peer dependency, loaded only when a secret ARN is
 * actually used.
 */
async function importSdk(): Promise<SecretsManagerModule> {
  const specifier: string = AWS_SECRETS_MANAGER_PACKAGE;
  try {
    return (await import(specifier)) as SecretsManagerModule;
  } catch (error) {
    const message = isModuleNotFound(error)
      ? `is set, but the optional peer dependency ${AWS_SECRETS_MANAGER_PACKAGE} is not installed: ` +
        `run npm install ${AWS_SECRETS_MANAGER_PACKAGE}, or pass a fetchSecret function`
      : `is set, but ${AWS_SECRETS_MANAGER_PACKAGE} could not be loaded`;
    throw new ConfigurationError([{ path: 'DATABASE_SECRET_ARN', message }]);
  }
}

/**
 * Creates a {@link SecretFetcher} backed by AWS Secrets Manager (`GetSecretValueCommand`).
 *
 * `@aws-sdk/client-secrets-manager` is imported on the first fetch, not before; when it is not
 * installed the fetch fails with a {@link ConfigurationError} saying which package to install.
 * The region is taken from the ARN; credentials come from the SDK's default chain. One client
 * per region is kept for the fetcher's lifetime. A binary secret is decoded as UTF-8.
 */
export function createAwsSecretFetcher(): SecretFetcher {
  let sdk: Promise<SecretsManagerModule> | undefined;
  const clients = new Map<string, SecretsManagerClient>();
  return async (arn) => {
    const module = await (sdk ??= importSdk().catch((error: unknown) => {
      sdk = undefined; // let a later call retry
      throw error;
    }));
    const region = SECRET_ARN.exec(arn)?.[1] ?? '';
    let client = clients.get(region);
    if (!client) {
      client = new module.SecretsManagerClient(region ? { region } : {});
      clients.set(region, client);
    }
    const output = await client.send(new module.GetSecretValueCommand({ SecretId: arn }));
    if (typeof output.SecretString === 'string') return output.SecretString;
    if (output.SecretBinary) return new TextDecoder().decode(output.SecretBinary);
    return '';
  };
}
