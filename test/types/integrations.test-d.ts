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
  createWebhooks,
  createWebhookSender,
  webhookFanOut,
  verifyWebhookSignature,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type Webhooks,
  type WebhookSender,
  type WebhookSenderRound,
} from '../../src/contexts/integrations/index.js';
import type { EventHandler } from '../../src/contexts/events/index.js';

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

  it('webhooks: made in a unit of work with the secret once; a fan-out handler for the worker; a sender', () => {
    const keyring = {} as Keyring;
    const webhooks = createWebhooks({ keyring });
    expectTypeOf(webhooks).toEqualTypeOf<Webhooks>();
    expectTypeOf(webhooks.create(uow, { url: 'https://x', eventTypes: ['user.registered'] })).toEqualTypeOf<
      Promise<{ readonly webhook: Webhook; readonly secret: string }>
    >();
    expectTypeOf<Awaited<ReturnType<Webhooks['listDeliveries']>>>().toEqualTypeOf<readonly WebhookDelivery[]>();
    expectTypeOf<WebhookDelivery['status']>().toEqualTypeOf<WebhookDeliveryStatus>();
    expectTypeOf(webhookFanOut({ eventTypes: ['user.registered'] })).toEqualTypeOf<EventHandler>();
    const sender = createWebhookSender(db, { keyring });
    expectTypeOf(sender).toEqualTypeOf<WebhookSender>();
    expectTypeOf(sender.runOnce()).toEqualTypeOf<Promise<WebhookSenderRound>>();
    expectTypeOf(verifyWebhookSignature('whsec_…', {}, '')).toEqualTypeOf<boolean>();
    // @ts-expect-error an unknown field is not input
    void webhooks.create(uow, { url: 'https://x', eventTypes: [], secret: 'mine' });
  });
});
