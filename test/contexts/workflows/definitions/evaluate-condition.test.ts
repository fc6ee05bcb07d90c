// Conditions and branches as a worker evaluates them (no database), by example; the property
// test compares conditionHolds with a reference implementation.
import { describe, expect, it } from 'vitest';
import { chooseBranch, conditionHolds } from '../../../../src/contexts/workflows/definitions/evaluate-condition.js';
import type { WorkflowBranch } from '../../../../src/contexts/workflows/definitions/workflow-definition.js';

describe('conditionHolds', () => {
  it('equals: strict equality; null also matches an absent value', () => {
    expect(conditionHolds({ equals: 5 }, 5)).toBe(true);
    expect(conditionHolds({ equals: 5 }, '5')).toBe(false);
    expect(conditionHolds({ equals: 0 }, -0)).toBe(true);
    expect(conditionHolds({ equals: 'yes' }, 'yes')).toBe(true);
    expect(conditionHolds({ equals: 'yes' }, ['yes'])).toBe(false);
    expect(conditionHolds({ equals: true }, 1)).toBe(false);
    expect(conditionHolds({ equals: null }, null)).toBe(true);
    expect(conditionHolds({ equals: null }, undefined)).toBe(true);
    expect(conditionHolds({ equals: null }, '')).toBe(false);
    expect(conditionHolds({ equals: null }, 0)).toBe(false);
  });

  it('oneOf: one of the listed values, strictly', () => {
    expect(conditionHolds({ oneOf: ['a', 2, false] }, 2)).toBe(true);
    expect(conditionHolds({ oneOf: ['a', 2, false] }, '2')).toBe(false);
    expect(conditionHolds({ oneOf: ['a', 2, false] }, false)).toBe(true);
    expect(conditionHolds({ oneOf: ['a', 2, false] }, undefined)).toBe(false);
    expect(conditionHolds({ oneOf: ['a', 2, false] }, null)).toBe(false);
  });

  it('comparisons: only of finite numbers', () => {
    expect(conditionHolds({ greaterThan: 10 }, 11)).toBe(true);
    expect(conditionHolds({ greaterThan: 10 }, 10)).toBe(false);
    expect(conditionHolds({ atLeast: 10 }, 10)).toBe(true);
    expect(conditionHolds({ lessThan: 10 }, 9.5)).toBe(true);
    expect(conditionHolds({ lessThan: 10 }, 10)).toBe(false);
    expect(conditionHolds({ atMost: 10 }, 10)).toBe(true);
    for (const value of ['11', Number.POSITIVE_INFINITY, Number.NaN, null, undefined, [11], true]) {
      expect(conditionHolds({ greaterThan: 10 }, value)).toBe(false);
      expect(conditionHolds({ atMost: 1e308 }, value)).toBe(false);
    }
    expect(conditionHolds({ lessThan: 0 }, Number.NEGATIVE_INFINITY)).toBe(false);
  });

  it('isEmpty: absent, null, empty text and the empty array', () => {
    for (const value of [undefined, null, '', []]) {
      expect(conditionHolds({ isEmpty: true }, value)).toBe(true);
      expect(conditionHolds({ isEmpty: false }, value)).toBe(false);
    }
    for (const value of [' ', 0, false, [0], {}, 'x']) {
      expect(conditionHolds({ isEmpty: true }, value)).toBe(false);
      expect(conditionHolds({ isEmpty: false }, value)).toBe(true);
    }
  });
});

describe('chooseBranch', () => {
  const branch: WorkflowBranch = {
    field: 'amount',
    cases: [
      { when: { isEmpty: true }, goto: 'missing' },
      { when: { greaterThan: 1000 }, goto: 'director' },
      { when: { greaterThan: 100 }, goto: 'manager' },
    ],
    otherwise: 'approved',
  };

  it('takes the first case that holds, otherwise otherwise', () => {
    expect(chooseBranch(branch, { amount: 5000 })).toBe('director');
    expect(chooseBranch(branch, { amount: 500 })).toBe('manager');
    expect(chooseBranch(branch, { amount: 50 })).toBe('approved');
    expect(chooseBranch(branch, { amount: '5000' })).toBe('approved');
    expect(chooseBranch(branch, {})).toBe('missing');
    expect(chooseBranch(branch, { other: 5000 })).toBe('missing');
  });

  it('reads own properties only', () => {
    const inherited = Object.create({ amount: 5000 }) as Record<string, unknown>;
    expect(chooseBranch(branch, inherited)).toBe('missing');
    const onConstructor: WorkflowBranch = { field: 'constructor', cases: [{ when: { isEmpty: false }, goto: 'has' }], otherwise: 'absent' };
    expect(chooseBranch(onConstructor, {})).toBe('absent');
    expect(chooseBranch(onConstructor, { constructor: 'x' })).toBe('has');
    expect(chooseBranch(onConstructor, Object.create(null) as Record<string, unknown>)).toBe('absent');
    // Data that is not an object has no fields.
    expect(chooseBranch(branch, null as never)).toBe('missing');
  });
});
