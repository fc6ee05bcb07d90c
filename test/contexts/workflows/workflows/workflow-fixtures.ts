// Fixtures of the workflow repository's tests: distinct valid definitions, and fast-check
// arbitraries of definitions edited at random (mostly invalid ones) for the "writes nothing" fuzz.
import fc from 'fast-check';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { parseWorkflowDefinition } from '../../../../src/contexts/workflows/definitions/workflow-definition.js';
import type { WorkflowDefinitionInput } from '../../../../src/contexts/workflows/index.js';
import { notifyWaitSignal } from '../../../helpers/workflow-definitions.js';
import { workflowDefinitionArbitrary } from '../definitions/workflow-arbitraries.js';

/** A valid definition, different for each `n` (it waits `n` seconds). */
export const flow = (userId: string, n = 60): WorkflowDefinitionInput => notifyWaitSignal(userId, n);

type Json = Record<string, unknown> | unknown[];

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Every object and array inside `value` (itself included). */
function containers(value: unknown): Json[] {
  if (value === null || typeof value !== 'object') return [];
  const node = value as Json;
  const inner = Array.isArray(node) ? node.flatMap((v) => containers(v)) : Object.values(node).flatMap((v) => containers(v));
  return [node, ...inner];
}

/** One edit of a definition: a value replaced, a key removed or added, an own `__proto__` key. */
interface Edit {
  readonly pick: number;
  readonly key: number;
  readonly op: 'replace' | 'remove' | 'add' | 'proto';
  readonly value: unknown;
  readonly newKey: string;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  pick: fc.nat(),
  key: fc.nat(),
  op: fc.constantFrom('replace' as const, 'remove' as const, 'add' as const, 'proto' as const),
  value: fc.oneof(
    fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 3 }),
    fc.constantFrom('', 'Bad-Name', 'nowhere', -1, 0, 1.5, 1e9, Number.NaN, Number.POSITIVE_INFINITY, null, [], {}, 'a\u0000b', '\ud800', 'x'.repeat(3000)),
  ),
  newKey: fc.constantFrom('extra', 'goto', 'end', 'branch', 'user', 'team', 'seconds', 'until', 'reason', 'type', 'constructor', 'toString'),
});

/** `definition` (copied through JSON) with `change` applied. */
function mutate(definition: unknown, change: Edit): unknown {
  const copy = json(definition);
  const all = containers(copy);
  const node = all[change.pick % all.length]!;
  const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  const key = keys.length > 0 ? keys[change.key % keys.length]! : 0;
  const record = node as Record<string | number, unknown>;
  if (change.op === 'replace') record[key] = change.value;
  else if (change.op === 'remove') {
    if (Array.isArray(node)) node.splice(Number(key), 1);
    else delete record[key];
  } else if (change.op === 'add') {
    if (Array.isArray(node)) node.push(change.value);
    else record[change.newKey] = change.value;
  } else if (!Array.isArray(node)) {
    // An own `__proto__` key, as JSON.parse makes one.
    Object.defineProperty(node, '__proto__', { value: change.value, enumerable: true, configurable: true, writable: true });
  }
  return copy;
}

/** Whether `parseWorkflowDefinition` refuses `input` (with a ValidationError; any other error is thrown). */
export function isRefused(input: unknown): boolean {
  try {
    parseWorkflowDefinition(input);
    return false;
  } catch (error) {
    if (error instanceof ValidationError) return true;
    throw error;
  }
}

/** Generated valid definitions with one to three random edits: some still valid, most not. */
export const editedDefinitionArbitrary: fc.Arbitrary<unknown> = fc
  .tuple(workflowDefinitionArbitrary, fc.array(edit, { minLength: 1, maxLength: 3 }))
  .map(([definition, edits]) => edits.reduce<unknown>((input, change) => mutate(input, change), definition));

/**
 * Definitions the meta-schema or the graph checks refuse: edited ones, hand-made wrong graphs,
 * and values that are no definition at all.
 */
export const invalidDefinitionArbitrary: fc.Arbitrary<unknown> = fc
  .oneof(
  { weight: 6, arbitrary: editedDefinitionArbitrary.filter(isRefused) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      { format: 2, initial: 'a', states: { a: { then: { end: 'completed' } } } },
      { format: 1, initial: 'nowhere', states: { a: { then: { end: 'completed' } } } },
      { format: 1, initial: 'a', states: {} },
      { format: 1, initial: 'a', states: { a: { then: { goto: 'b' } } } },
      // A cycle without a wait, and a state no path reaches.
      { format: 1, initial: 'a', states: { a: { then: { goto: 'b' } }, b: { then: { goto: 'a' } } } },
      { format: 1, initial: 'a', states: { a: { then: { end: 'completed' } }, lost: { then: { end: 'failed' } } } },
      { format: 1, initial: 'a', states: { a: { actions: [{ type: 'teleport' }], then: { end: 'completed' } } } },
      { format: 1, initial: 'a', states: { a: { actions: [{ type: 'notify', users: ['not-a-uuid'], title: 'T', message: 'M' }], then: { end: 'completed' } } } },
      { format: 1, initial: 'a', states: { a: { then: { end: 'completed' } } }, extra: true },
      { format: 1, initial: 'a', states: { a: { description: 'nul \u0000 byte', then: { end: 'completed' } } } },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ withObjectString: true, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, maxDepth: 2 }) },
  )
  .filter(isRefused);
