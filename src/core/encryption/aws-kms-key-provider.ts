import { KeyProviderError } from '../errors/encryption-errors.js';
import { ValidationError } from '../errors/validation-error.js';
import type { KeyProvider, KeyWrapContext } from './key-provider.js';

/** The optional peer dependency that {@link awsKmsKeyProvider} imports on first use. */
export const AWS_KMS_PACKAGE = '@aws-sdk/client-kms';

/** A KMS client as far as this provider uses it: `send` of `EncryptCommand` and `DecryptCommand`. */
export interface KmsClientLike {
  send(command: unknown): Promise<unknown>;
}

/** The part of `@aws-sdk/client-kms` used here, typed locally so it need not be installed. */
interface KmsModule {
  readonly KMSClient: new (config: { region?: string }) => KmsClientLike;
  readonly EncryptCommand: new (input: {
    KeyId: string;
    Plaintext: Uint8Array;
    EncryptionContext: Record<string, string>;
  }) => unknown;
  readonly DecryptCommand: new (input: {
    KeyId: string;
    CiphertextBlob: Uint8Array;
    EncryptionContext: Record<string, string>;
  }) => unknown;
}

/** Options of {@link awsKmsKeyProvider}. */
export interface AwsKmsKeyProviderOptions {
  /**
   * The KMS key new data keys are wrapped with: its ARN (stored with each data key; a key wrapped
   * under another ARN is re-wrapped by `keyring.rewrap`). A symmetric encryption key.
   */
  readonly keyId: string;
  /** A KMS client (`new KMSClient({ region })`); default: one made for `region` with the SDK's default credentials. */
  readonly client?: KmsClientLike;
  /** The region of the client made when `client` is not given. */
  readonly region?: string;
}

function isModuleNotFound(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  return typeof message === 'string' && /Cannot find (package|module)|Could not resolve/.test(message);
}

/** Imports the SDK; the specifier is a variable so that neither TypeScript nor the bundler requires it. */
async function importSdk(step: 'wrap' | 'unwrap'): Promise<KmsModule> {
  const specifier: string = AWS_KMS_PACKAGE;
  try {
    return (await import(specifier)) as KmsModule;
  } catch (error) {
    throw new KeyProviderError(
      'aws-kms',
      step,
      isModuleNotFound(error)
        ? `the optional peer dependency ${AWS_KMS_PACKAGE} is not installed (npm install ${AWS_KMS_PACKAGE})`
        : `${AWS_KMS_PACKAGE} could not be loaded`,
    );
  }
}

/** The encryption context KMS binds a data key to (logged by CloudTrail: ids only, no secrets). */
function encryptionContext(context: KeyWrapContext): Record<string, string> {
  return { 'org-data:organization': context.organizationId, 'org-data:key': context.keyId, 'org-data:purpose': context.purpose };
}

function failure(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[A-Za-z]{1,100}$/.test(name) ? name : 'the request failed';
}

/**
 * A key provider backed by AWS KMS: data keys are wrapped with `Encrypt` and unwrapped with
 * `Decrypt` under the KMS key `keyId`, with the organization, key id and purpose as the
 * encryption context (so a wrapped key moved to another row does not unwrap, and CloudTrail shows
 * whose key was used). `@aws-sdk/client-kms` is an optional peer dependency, imported on first
 * use. Unwrapped data keys are cached by the keyring, so KMS is called once per key and process.
 *
 * @throws ValidationError when `keyId` is not a non-empty string.
 */
export function awsKmsKeyProvider(options: AwsKmsKeyProviderOptions): KeyProvider {
  if (options === null || typeof options !== 'object' || typeof options.keyId !== 'string' || options.keyId.length === 0 || options.keyId.length > 2048) {
    throw new ValidationError([{ path: 'options.keyId', message: 'must be the KMS key ARN' }]);
  }
  if (options.client !== undefined && (options.client === null || typeof options.client.send !== 'function')) {
    throw new ValidationError([{ path: 'options.client', message: 'must be a KMS client (with send)' }]);
  }
  const keyId = options.keyId;
  let sdk: Promise<KmsModule> | undefined;
  let client = options.client;
  const ready = async (step: 'wrap' | 'unwrap'): Promise<{ module: KmsModule; client: KmsClientLike }> => {
    const module = await (sdk ??= importSdk(step).catch((error: unknown) => {
      sdk = undefined; // a later call may retry
      throw error;
    }));
    try {
      client ??= new module.KMSClient(options.region ? { region: options.region } : {});
    } catch (error) {
      throw new KeyProviderError('aws-kms', step, failure(error));
    }
    return { module, client };
  };
  return Object.freeze({
    name: 'aws-kms',
    currentMasterKeyId: keyId,
    async wrap(dataKey: Uint8Array, context: KeyWrapContext) {
      const { module, client: kms } = await ready('wrap');
      let output: { CiphertextBlob?: Uint8Array } | undefined;
      try {
        output = (await kms.send(
          new module.EncryptCommand({ KeyId: keyId, Plaintext: dataKey, EncryptionContext: encryptionContext(context) }),
        )) as { CiphertextBlob?: Uint8Array } | undefined;
      } catch (error) {
        throw new KeyProviderError('aws-kms', 'wrap', failure(error));
      }
      if (!(output?.CiphertextBlob instanceof Uint8Array)) throw new KeyProviderError('aws-kms', 'wrap', 'no ciphertext in the response');
      return { wrapped: output.CiphertextBlob, masterKeyId: keyId };
    },
    async unwrap(wrapped: Uint8Array, masterKeyId: string, context: KeyWrapContext) {
      const { module, client: kms } = await ready('unwrap');
      let output: { Plaintext?: Uint8Array } | undefined;
      try {
        output = (await kms.send(
          new module.DecryptCommand({ KeyId: masterKeyId, CiphertextBlob: wrapped, EncryptionContext: encryptionContext(context) }),
        )) as { Plaintext?: Uint8Array } | undefined;
      } catch (error) {
        throw new KeyProviderError('aws-kms', 'unwrap', failure(error));
      }
      if (!(output?.Plaintext instanceof Uint8Array) || output.Plaintext.length !== 32) {
        throw new KeyProviderError('aws-kms', 'unwrap', 'no 32-byte key in the response');
      }
      return output.Plaintext;
    },
  });
}
