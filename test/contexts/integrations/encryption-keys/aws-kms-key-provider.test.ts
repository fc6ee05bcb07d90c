// The AWS KMS key provider against a mocked KMS client (the SDK's real command classes; `send`
// answers as KMS would, sealing with a key of its own and the encryption context as associated
// data), alone and under a keyring on real PostgreSQL.
import { randomBytes, randomUUID } from 'node:crypto';
import { DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { open, seal } from '../../../../src/core/encryption/aes-gcm.js';
import { awsKmsKeyProvider, type KmsClientLike } from '../../../../src/core/encryption/aws-kms-key-provider.js';
import { DecryptionError, KeyProviderError } from '../../../../src/core/errors/encryption-errors.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createKeyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { createRepositories, unitOfWork } from '../../../../src/repositories.js';
import { anOrganization } from '../../../helpers/fixtures.js';
import { useTestDatabase } from '../../../helpers/database.js';

const ARN = 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** A KMS stand-in: Encrypt and Decrypt under one key, bound to the encryption context, as KMS does. */
function mockKms() {
  const key = randomBytes(32);
  const sent: unknown[] = [];
  const context = (c: Record<string, string> | undefined) => Buffer.from(JSON.stringify(Object.entries(c ?? {}).sort()));
  const client: KmsClientLike = {
    async send(command: unknown) {
      sent.push(command);
      if (command instanceof EncryptCommand) {
        const { KeyId, Plaintext, EncryptionContext } = command.input;
        if (KeyId !== ARN) throw Object.assign(new Error(`Key '${KeyId}' does not exist`), { name: 'NotFoundException' });
        const sealed = seal(key, Plaintext!, context(EncryptionContext));
        return { CiphertextBlob: Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]), KeyId: ARN };
      }
      if (command instanceof DecryptCommand) {
        const { CiphertextBlob, EncryptionContext } = command.input;
        const blob = Buffer.from(CiphertextBlob!);
        try {
          return { Plaintext: open(key, { iv: blob.subarray(0, 12), tag: blob.subarray(12, 28), ciphertext: blob.subarray(28) }, context(EncryptionContext)), KeyId: ARN };
        } catch {
          throw Object.assign(new Error('The ciphertext refers to a customer master key that does not exist'), { name: 'InvalidCiphertextException' });
        }
      }
      throw new Error('unexpected command');
    },
  };
  return { client, sent };
}

describe('awsKmsKeyProvider', () => {
  it('wraps with Encrypt and unwraps with Decrypt under the key ARN, bound to organization, key and purpose', async () => {
    const { client, sent } = mockKms();
    const provider = awsKmsKeyProvider({ keyId: ARN, client });
    expect(provider).toMatchObject({ name: 'aws-kms', currentMasterKeyId: ARN });
    const dataKey = randomBytes(32);
    const context = { organizationId: randomUUID(), keyId: randomUUID(), purpose: 'field' };
    const wrapped = await provider.wrap(dataKey, context);
    expect(wrapped.masterKeyId).toBe(ARN);
    expect(Buffer.from(wrapped.wrapped).includes(dataKey)).toBe(false);
    expect(Buffer.from(await provider.unwrap(wrapped.wrapped, wrapped.masterKeyId, context)).equals(dataKey)).toBe(true);
    const [encrypt, decrypt] = sent as [EncryptCommand, DecryptCommand];
    expect(encrypt.input.EncryptionContext).toEqual({
      'org-data:organization': context.organizationId,
      'org-data:key': context.keyId,
      'org-data:purpose': 'field',
    });
    expect(decrypt.input).toMatchObject({ KeyId: ARN, EncryptionContext: encrypt.input.EncryptionContext });
  });

  it('a wrapped key moved to another organization, key or purpose does not unwrap: KeyProviderError naming the KMS error only', async () => {
    const { client } = mockKms();
    const provider = awsKmsKeyProvider({ keyId: ARN, client });
    const context = { organizationId: randomUUID(), keyId: randomUUID(), purpose: 'field' };
    const dataKey = randomBytes(32);
    const { wrapped } = await provider.wrap(dataKey, context);
    for (const moved of [{ ...context, organizationId: randomUUID() }, { ...context, keyId: randomUUID() }, { ...context, purpose: 'blind_index' }]) {
      const error = await provider.unwrap(wrapped, ARN, moved).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyProviderError);
      expect((error as Error).message).toBe('Key provider aws-kms could not unwrap a data key: InvalidCiphertextException');
      expect(JSON.stringify(error)).not.toContain(dataKey.toString('hex'));
    }
    const unknownKey = awsKmsKeyProvider({ keyId: `${ARN}-gone`, client });
    const error = await unknownKey.wrap(dataKey, context).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Key provider aws-kms could not wrap a data key: NotFoundException');
  });

  it('bad options are ValidationErrors', () => {
    expect(() => awsKmsKeyProvider({ keyId: '' })).toThrow(ValidationError);
    expect(() => awsKmsKeyProvider(null as never)).toThrow(ValidationError);
    expect(() => awsKmsKeyProvider({ keyId: ARN, client: {} as never })).toThrow(ValidationError);
  });

  describe('under a keyring', () => {
    const testDb = useTestDatabase();
    let org: string;
    beforeAll(async () => {
      org = (await anOrganization(createRepositories(testDb.current.db))).id;
    });

    it('seals and opens values with data keys wrapped by KMS, which is called once per key and process', async () => {
      const { client, sent } = mockKms();
      const keyring = createKeyring({ provider: awsKmsKeyProvider({ keyId: ARN, client }) });
      const app = testDb.current.app;
      const id = randomUUID();
      const field = { table: 'webhooks', column: 'secret_encrypted', rowId: id };
      const sealed = await unitOfWork(app, { tenant: org }, (uow) => keyring.encrypt(uow, field, 'whsec_canary'));
      for (let i = 0; i < 3; i += 1) {
        expect(await unitOfWork(app, { tenant: org }, (uow) => keyring.decryptText(uow, field, sealed))).toBe('whsec_canary');
      }
      expect(sent.filter((c) => c instanceof EncryptCommand)).toHaveLength(1);
      expect(sent.filter((c) => c instanceof DecryptCommand)).toHaveLength(0);
      // Another process (a fresh keyring) unwraps once.
      const other = createKeyring({ provider: awsKmsKeyProvider({ keyId: ARN, client }) });
      expect(await unitOfWork(app, { tenant: org }, (uow) => other.decryptText(uow, field, sealed))).toBe('whsec_canary');
      expect(await unitOfWork(app, { tenant: org }, (uow) => other.decryptText(uow, field, sealed))).toBe('whsec_canary');
      expect(sent.filter((c) => c instanceof DecryptCommand)).toHaveLength(1);
      const { rows } = await sql<{ provider: string; master_key_id: string }>`
        SELECT provider, master_key_id FROM encryption_keys WHERE organization_id = ${org}`.execute(testDb.current.db);
      expect(rows).toEqual([{ provider: 'aws-kms', master_key_id: ARN }]);
      const wrong = await unitOfWork(app, { tenant: org }, (uow) => other.decrypt(uow, { ...field, rowId: randomUUID() }, sealed).catch((e: unknown) => e));
      expect(wrong).toBeInstanceOf(DecryptionError);
    });
  });
});
