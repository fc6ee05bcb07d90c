import { describe, expect, it } from 'vitest';
import { isAuthenticationError } from '../../../src/core/config/authentication-error.js';
import { DataError } from '../../../src/core/errors/data-error.js';

describe('isAuthenticationError', () => {
  it('recognizes 28P01 and 28000 on a pg error (code) or a DataError (sqlState)', () => {
    expect(isAuthenticationError(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toBe(true);
    expect(isAuthenticationError(Object.assign(new Error('no pg_hba.conf entry'), { code: '28000' }))).toBe(true);
    expect(isAuthenticationError(new DataError('DATABASE_ERROR', 'x', { sqlState: '28P01' }))).toBe(true);
  });

  it('follows cause chains, without looping on a cycle', () => {
    const inner = Object.assign(new Error('auth'), { code: '28P01' });
    expect(isAuthenticationError(new Error('outer', { cause: new Error('middle', { cause: inner }) }))).toBe(true);
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    expect(isAuthenticationError(cyclic)).toBe(false);
  });

  it('is false for anything else', () => {
    for (const value of [undefined, null, '28P01', 28, new Error('x'), { code: '42501' }, { code: '08006' }, { sqlState: '23505' }]) {
      expect(isAuthenticationError(value)).toBe(false);
    }
  });
});
