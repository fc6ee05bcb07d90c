import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { PositiveInt4Schema, TimestampSchema, UuidSchema } from '../../../src/core/kernel/common-schemas.js';
import { optionsArgument, parseInput } from '../../../src/core/kernel/parse-input.js';
import { missingObjectName, quotedName } from '../../../src/core/errors/server-message.js';

/** The issue paths of the ValidationError `call` throws. */
function pathsOf(call: () => unknown): string[] {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((issue) => issue.path);
  }
  throw new Error('expected a ValidationError');
}

describe('parseInput', () => {
  it('names a positional argument when the value as a whole is wrong, keeps field paths otherwise', () => {
    expect(pathsOf(() => parseInput(UuidSchema, 123, 'id'))).toEqual(['id']);
    expect(pathsOf(() => parseInput(UuidSchema, null))).toEqual(['']);
    const Patch = z.object({ name: z.string(), nested: z.object({ n: z.int() }) }).strict();
    expect(pathsOf(() => parseInput(Patch, null, 'patch'))).toEqual(['patch']);
    expect(pathsOf(() => parseInput(Patch, { name: 1, nested: { n: 'x' } }, 'patch'))).toEqual(['name', 'nested.n']);
  });

  it('refuses a schema that is not a zod schema, and a recursion deeper than the stack', () => {
    expect(pathsOf(() => parseInput(null as never, 'x'))).toEqual(['schema']);
    expect(pathsOf(() => parseInput({ safeParse: 1 } as never, 'x'))).toEqual(['schema']);
    const Tree: z.ZodType = z.lazy(() => z.array(Tree));
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(pathsOf(() => parseInput(Tree, deep, 'tree'))).toEqual(['tree']);
  });

  it('optionsArgument: left out is {}, an object is itself, anything else a ValidationError', () => {
    expect(optionsArgument(undefined)).toEqual({});
    const options = { limit: 1 };
    expect(optionsArgument(options)).toBe(options);
    for (const wrong of [null, [], 'x', 1, true]) expect(pathsOf(() => optionsArgument(wrong as never, 'opts'))).toEqual(['opts']);
  });

  it('int4 and timestamp bounds', () => {
    expect(PositiveInt4Schema.safeParse(2 ** 31 - 1).success).toBe(true);
    expect(PositiveInt4Schema.safeParse(2 ** 31).success).toBe(false);
    expect(PositiveInt4Schema.safeParse(0).success).toBe(false);
    expect(TimestampSchema.safeParse(new Date('0001-01-01T00:00:00Z')).success).toBe(true);
    expect(TimestampSchema.safeParse(new Date('9999-12-31T23:59:59.999Z')).success).toBe(true);
    expect(TimestampSchema.safeParse(new Date('0000-12-31T23:59:59.999Z')).success).toBe(false);
    expect(TimestampSchema.safeParse(new Date('+010000-01-01T00:00:00Z')).success).toBe(false);
    expect(TimestampSchema.safeParse(new Date(Number.NaN)).success).toBe(false);
  });
});

describe('names taken from server messages', () => {
  it('takes the object of a "does not exist" message and nothing else', () => {
    expect(missingObjectName('relation "users" does not exist', 'relation')).toBe('users');
    expect(missingObjectName('relation "public.users" does not exist', 'relation')).toBe('public.users');
    expect(missingObjectName('column u.email does not exist', 'column')).toBe('u.email');
    expect(missingObjectName('missing FROM-clause entry for table "u"', 'relation')).toBeNull();
    expect(missingObjectName('operator does not exist: integer = text', 'function')).toBeNull();
    expect(missingObjectName(undefined, 'relation')).toBeNull();
    expect(missingObjectName(`relation "${'"'.repeat(50_000)}" does not exist`, 'relation')).toBeUndefined();
    expect(quotedName('new row violates row-level security policy for table "clients"')).toBe('clients');
    expect(quotedName('no quotes')).toBeUndefined();
    expect(quotedName('"unterminated')).toBeUndefined();
  });
});
