// Type tests of `@org/data/integrations` (entry: src/contexts/integrations/index.ts, package.json
// exports "./integrations").
import type { Kysely } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import type { DB, UnitOfWork } from '../../src/index.js';
import {
  createApiKeys,
  type ApiKeys,
  type ResolvedApiKey,
  awsKmsKeyProvider,
  createKeyring,
  defineEncryptedColumn,
  localKeyProvider,
  type EncryptionKey,
  type KeyProvider,
  type Keyring,
  type ReencryptResult,
} from '../../src/contexts/integrations/index.js';

declare const db: Kysely<DB>;
declare const uow: UnitOfWork;

describe('@org/data/integrations', () => {
  it('API keys: a secret resolves to a key or undefined', () => {
    expectTypeOf(createApiKeys({ hashKey: '' })).toEqualTypeOf<ApiKeys>();
    expectTypeOf<ReturnType<ApiKeys['resolve']>>().toEqualTypeOf<Promise<ResolvedApiKey | undefined>>();
    expectTypeOf<Awaited<ReturnType<ApiKeys['create']>>['secret']>().toEqualTypeOf<string>();
  });

  it('providers are KeyProviders; a keyring is made from one', () => {
    expectTypeOf(localKeyProvider({ masterKeys: { k1: '' }, current: 'k1' })).toEqualTypeOf<KeyProvider>();
    expectTypeOf(awsKmsKeyProvider({ keyId: 'arn:aws:kms:…' })).toEqualTypeOf<KeyProvider>();
    expectTypeOf(createKeyring({ provider: localKeyProvider({ masterKeys: {}, current: '' }) })).toEqualTypeOf<Keyring>();
  });

  it('a unit of work is a keyring scope: values are Buffers, text comes back as text', () => {
    const keyring = {} as Keyring;
    const field = { table: 't', column: 'c', rowId: 'id' };
    expectTypeOf(keyring.encrypt(uow, field, 'secret')).toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf(keyring.decryptText(uow, field, Buffer.alloc(0))).toEqualTypeOf<Promise<string>>();
    expectTypeOf(keyring.rotate(db, { organizationId: 'o' })).toEqualTypeOf<Promise<EncryptionKey>>();
    expectTypeOf(keyring.rotate(uow)).toEqualTypeOf<Promise<EncryptionKey>>();
    expectTypeOf(keyring.reencrypt(db, defineEncryptedColumn({ table: 't', column: 'c' }), { organizationId: 'o' })).toEqualTypeOf<Promise<ReencryptResult>>();
  });
});
