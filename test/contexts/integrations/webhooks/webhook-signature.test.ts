// Standard Webhooks signatures: the published example, agreement with the reference library
// (`standardwebhooks`) on random content, both signatures during a rotation overlap, and a
// verifier that refuses tampering, stale timestamps and other secrets.
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { generateWebhookSecret, signWebhook, verifyWebhookSignature } from '../../../../src/contexts/integrations/webhooks/webhook-signature.js';

describe('webhook signatures', () => {
  it('the example of the Standard Webhooks reference implementation', () => {
    // standard-webhooks/libraries (javascript/src/index.test.ts): secret, id, timestamp, body and signature.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const content = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}' };
    expect(signWebhook([secret], content)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('agrees with the reference library on random ids, times and bodies', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), fc.string({ maxLength: 300 }), (id, timestamp, body) => {
        const secret = generateWebhookSecret();
        const signature = signWebhook([secret], { id, timestamp, body });
        const reference = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
        expect(signature).toBe(reference);
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
        expect(verifyWebhookSignature(secret, headers, body, { now: new Date(timestamp * 1000) })).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('during an overlap a request carries both signatures; each secret verifies it, with the reference library too', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"type":"user.registered"}';
    const signature = signWebhook([current, previous], { id: 'evt', timestamp, body });
    expect(signature.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'evt', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    for (const secret of [current, previous]) {
      expect(verifyWebhookSignature(secret, headers, body)).toBe(true);
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    }
    expect(verifyWebhookSignature(generateWebhookSecret(), headers, body)).toBe(false);
  });

  it('refuses a changed body, id or timestamp, a stale or future timestamp, and malformed headers', () => {
    const secret = generateWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const body = '{"a":1}';
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(now), 'webhook-signature': signWebhook([secret], { id: 'evt_1', timestamp: now, body }) };
    expect(verifyWebhookSignature(secret, headers, body)).toBe(true);
    expect(verifyWebhookSignature(secret, headers, '{"a":2}')).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-id': 'evt_2' }, body)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-timestamp': String(now + 1) }, body)).toBe(false);
    expect(verifyWebhookSignature(secret, headers, body, { now: new Date((now + 301) * 1000) })).toBe(false);
    expect(verifyWebhookSignature(secret, headers, body, { now: new Date((now - 301) * 1000) })).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') }, body)).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-signature': 'v1,' }, body)).toBe(false);
    expect(verifyWebhookSignature(secret, {}, body)).toBe(false);
    expect(verifyWebhookSignature(secret, null as never, body)).toBe(false);
  });

  it('secrets: whsec_ and 32 random bytes; anything else is a ValidationError', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    for (const bad of ['', 'whsec_', 'sk_abc', `whsec_${'A'.repeat(8)}`, 42 as never]) {
      expect(() => signWebhook([bad], { id: 'x', timestamp: 1, body: '' })).toThrow(ValidationError);
    }
    expect(() => signWebhook([], { id: 'x', timestamp: 1, body: '' })).toThrow(ValidationError);
    expect(() => signWebhook([secret], { id: 'x', timestamp: 1.5, body: '' })).toThrow(ValidationError);
  });
});
