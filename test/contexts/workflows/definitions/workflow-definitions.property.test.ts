// The workflow-definition language, by properties (no database): what the arbitraries build is
// accepted and survives JSON; mutated definitions and arbitrary values are either accepted or a
// ValidationError, never another error; conditions agree with a reference implementation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { chooseBranch, conditionHolds } from '../../../../src/contexts/workflows/definitions/evaluate-condition.js';
import {
  parseWorkflowDefinition,
  WorkflowConditionSchema,
  WorkflowDefinitionSchema,
  type WorkflowCondition,
} from '../../../../src/contexts/workflows/definitions/workflow-definition.js';
import { workflowDiagram } from '../../../../src/contexts/workflows/definitions/workflow-diagram.js';
import { conditionArbitrary, fieldValueArbitrary, workflowDefinitionArbitrary } from './workflow-arbitraries.js';

const runs = { numRuns: 300 };
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Parses, and returns `'refused'` for a ValidationError (any other error fails the test). */
function outcome(input: unknown): unknown {
  try {
    return parseWorkflowDefinition(input);
  } catch (error) {
    if (error instanceof ValidationError) {
      expect(error.issues.length).toBeGreaterThan(0);
      for (const issue of error.issues) expect(issue.path === 'definition' || issue.path.startsWith('definition.')).toBe(true);
      return 'refused';
    }
    throw error;
  }
}

type Json = Record<string, unknown> | unknown[];

/** Every object and array inside `value` (itself included), with their paths. */
function containers(value: unknown, path: (string | number)[] = []): { node: Json; path: (string | number)[] }[] {
  if (value === null || typeof value !== 'object') return [];
  const node = value as Json;
  const inner = Array.isArray(node)
    ? node.flatMap((v, i) => containers(v, [...path, i]))
    : Object.entries(node).flatMap(([k, v]) => containers(v, [...path, k]));
  return [{ node, path }, ...inner];
}

/** One edit of a definition: a value replaced, a key removed or added, an own `__proto__` key. */
interface Edit {
  pick: number;
  key: number;
  op: 'replace' | 'remove' | 'add' | 'proto';
  value: unknown;
  newKey: string;
}

const mutation: fc.Arbitrary<Edit> = fc.record({
  pick: fc.nat(),
  key: fc.nat(),
  op: fc.constantFrom('replace' as const, 'remove' as const, 'add' as const, 'proto' as const),
  value: fc.oneof(
    fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 3 }),
    fc.constantFrom('', 'Bad-Name', 'nowhere', -1, 0, 1.5, 1e9, Number.NaN, null, [], {}, 'a\u0000b', '\ud800', 'x'.repeat(3000)),
  ),
  newKey: fc.constantFrom('extra', 'goto', 'end', 'branch', 'user', 'team', 'seconds', 'until', 'reason', 'type', 'constructor', 'toString'),
});

/** `definition` (copied through JSON) with `edit` applied. */
function mutate(definition: unknown, edit: Edit): unknown {
  const copy = json(definition);
  const all = containers(copy);
  const { node } = all[edit.pick % all.length]!;
  const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  const key = keys.length > 0 ? keys[edit.key % keys.length]! : 0;
  const record = node as Record<string | number, unknown>;
  if (edit.op === 'replace') record[key] = edit.value;
  else if (edit.op === 'remove') {
    if (Array.isArray(node)) node.splice(Number(key), 1);
    else delete record[key];
  } else if (edit.op === 'add') {
    if (Array.isArray(node)) node.push(edit.value);
    else record[edit.newKey] = edit.value;
  } else if (!Array.isArray(node)) {
    // An own `__proto__` key, as JSON.parse makes one.
    Object.defineProperty(node, '__proto__', { value: edit.value, enumerable: true, configurable: true, writable: true });
  }
  return copy;
}

describe('workflow definitions (properties)', () => {
  it('generated definitions parse; the JSON of the input and of the output parse to the same; the parse is idempotent', () => {
    fc.assert(
      fc.property(workflowDefinitionArbitrary, (definition) => {
        const parsed = parseWorkflowDefinition(definition);
        expect(parseWorkflowDefinition(json(definition))).toEqual(parsed);
        expect(parseWorkflowDefinition(json(parsed))).toEqual(parsed);
        expect(json(parsed)).toEqual(parsed);
        expect(Object.keys(parsed.states)).toEqual(Object.keys(definition.states as object));
        expect(workflowDiagram(parsed).startsWith('stateDiagram-v2\n')).toBe(true);
      }),
      runs,
    );
  });

  it('mutated definitions either parse or are ValidationErrors at paths under definition, never another error', () => {
    fc.assert(
      fc.property(workflowDefinitionArbitrary, fc.array(mutation, { minLength: 1, maxLength: 3 }), (definition, edits) => {
        let input: unknown = definition;
        for (const edit of edits) input = mutate(input, edit);
        outcome(input);
        // The schema itself never throws either.
        expect(() => WorkflowDefinitionSchema.safeParse(input)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('anything else is a ValidationError at definition (or accepted), never another error', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true, withBigInt: true }), (value) => {
        expect(outcome(value)).toBe('refused');
      }),
      { numRuns: 500 },
    );
    // Anything in a definition's places.
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, maxDepth: 3 }), fc.constantFrom('initial', 'states', 'format', 'timeoutSeconds'), (value, key) => {
        outcome({ format: 1, initial: 'a', states: { a: { then: { end: 'completed' } } }, [key]: value });
        outcome({ format: 1, initial: 'a', states: { a: { actions: [value], then: { end: 'completed' } } } });
        outcome({ format: 1, initial: 'a', states: { a: { then: value } } });
        outcome({ format: 1, initial: 'a', states: { a: { then: { branch: { field: 'f', cases: [{ when: value, goto: 'a' }], otherwise: 'a' } } } } });
      }),
      { numRuns: 300 },
    );
  });

  it('conditionHolds agrees with a reference implementation; chooseBranch takes the first case that holds', () => {
    const reference = (condition: WorkflowCondition, value: unknown): boolean => {
      const [[op, operand]] = Object.entries(condition) as [[string, unknown]];
      const isNumber = typeof value === 'number' && !Number.isNaN(value) && value !== Infinity && value !== -Infinity;
      switch (op) {
        case 'equals':
          return operand === null ? value == null : Object.is(value, operand) || (value === 0 && operand === 0);
        case 'oneOf':
          return (operand as unknown[]).some((o) => o === value);
        case 'greaterThan':
          return isNumber && (value as number) > (operand as number);
        case 'atLeast':
          return isNumber && !((value as number) < (operand as number));
        case 'lessThan':
          return isNumber && (value as number) < (operand as number);
        case 'atMost':
          return isNumber && !((value as number) > (operand as number));
        default: {
          const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
          return operand === true ? empty : !empty;
        }
      }
    };
    fc.assert(
      fc.property(conditionArbitrary, fieldValueArbitrary, (input, value) => {
        const condition = WorkflowConditionSchema.parse(input);
        expect(conditionHolds(condition, value)).toBe(reference(condition, value));
        // A value a condition names matches it.
        if ('equals' in condition) expect(conditionHolds(condition, condition.equals)).toBe(true);
        if ('oneOf' in condition) expect(conditionHolds(condition, condition.oneOf[0])).toBe(true);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.array(conditionArbitrary, { minLength: 1, maxLength: 5 }), fieldValueArbitrary, (inputs, value) => {
        const cases = inputs.map((input, i) => ({ when: WorkflowConditionSchema.parse(input), goto: `s${i}` }));
        const branch = { field: 'f', cases, otherwise: 'other' };
        const first = cases.findIndex((c) => reference(c.when, value));
        expect(chooseBranch(branch, { f: value })).toBe(first === -1 ? 'other' : `s${first}`);
      }),
      runs,
    );
  });
});
