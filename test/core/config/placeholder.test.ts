import { describe, expect, it } from 'vitest';
import { isPlaceholder, placeholderProblem } from '../../../src/core/config/placeholder.js';
import { PLACEHOLDERS } from './config-helpers.js';

describe('placeholderProblem', () => {
  it.each(PLACEHOLDERS)('rejects %j', (value) => {
    expect(isPlaceholder(value)).toBe(true);
    expect(placeholderProblem(value)).toBe(value.trim() === '' ? 'is empty' : 'is a placeholder');
  });

  it.each([
    'hunter2',
    'p@ss:word',
    'null-island', // contains a placeholder word, is not one
    'undefined_behaviour',
    'a<b>c', // brackets inside a value, as a generated password may have
    '<only-opening',
    'ends>',
    'x${VAR}', // `${` not at the start
    '${unterminated',
    '$ecret',
    'postgres',
    '0',
  ])('accepts %j', (value) => {
    expect(isPlaceholder(value)).toBe(false);
    expect(placeholderProblem(value)).toBeUndefined();
  });
});
