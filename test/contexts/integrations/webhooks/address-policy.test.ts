// Which addresses a webhook may be sent to: public unicast only, in every spelling, unless the
// allow-list names the address.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createAddressPolicy } from '../../../../src/contexts/integrations/webhooks/address-policy.js';

describe('the webhook address policy', () => {
  const policy = createAddressPolicy();

  it.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.10', '198.18.0.1',
    '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a00:1', '::ffff:169.254.169.254', '::127.0.0.1',
    'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1', '64:ff9b::a00:1', '2002:7f00:1::1', '2001:0:4136:e378::1', '::ffff:0:7f00:1', '::ffff:0:808:808', '3fff::1',
    'not-an-address', '',
  ])('refuses %s', (address) => expect(policy.permits(address)).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8'])(
    'permits %s',
    (address) => expect(policy.permits(address)).toBe(true),
  );

  it('an allow-list admits exactly the addresses and ranges it names, in any spelling', () => {
    const allowing = createAddressPolicy(['127.0.0.1', '10.20.0.0/16', '::1']);
    expect(allowing.permits('127.0.0.1')).toBe(true);
    expect(allowing.permits('::ffff:127.0.0.1')).toBe(true);
    expect(allowing.permits('127.0.0.2')).toBe(false);
    expect(allowing.permits('10.20.3.4')).toBe(true);
    expect(allowing.permits('10.21.0.1')).toBe(false);
    expect(allowing.permits('::1')).toBe(true);
    expect(allowing.permits('169.254.169.254')).toBe(false);
  });

  it('a malformed allow-list is a ValidationError', () => {
    for (const bad of [['localhost'], ['10.0.0.0/33'], ['::1/129'], [42], 'x']) {
      expect(() => createAddressPolicy(bad as never)).toThrow(ValidationError);
    }
  });
});
