// How a worker evaluates a branch: a condition tested on one submission field's value, and the
// first case that holds (or `otherwise`). Pure functions of parsed definitions.
import type { WorkflowBranch, WorkflowCondition } from './workflow-definition.js';

const finiteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Absent, `null`, the empty string or the empty array. */
const empty = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * Whether `condition` holds for a field's `value` (`undefined` when the field is absent):
 * - `equals`: strict equality (`===`); `equals: null` also holds for an absent value;
 * - `oneOf`: the value is one of the listed values (strict equality);
 * - `greaterThan`, `atLeast`, `lessThan`, `atMost`: the value is a finite number and compares so
 *   (anything else, numeric text included, does not hold);
 * - `isEmpty: true`: the value is absent, `null`, `''` or `[]`; `isEmpty: false`: it is not.
 */
export function conditionHolds(condition: WorkflowCondition, value: unknown): boolean {
  if ('equals' in condition) return condition.equals === null ? value === null || value === undefined : value === condition.equals;
  if ('oneOf' in condition) return (condition.oneOf as readonly unknown[]).includes(value);
  if ('greaterThan' in condition) return finiteNumber(value) && value > condition.greaterThan;
  if ('atLeast' in condition) return finiteNumber(value) && value >= condition.atLeast;
  if ('lessThan' in condition) return finiteNumber(value) && value < condition.lessThan;
  if ('atMost' in condition) return finiteNumber(value) && value <= condition.atMost;
  return empty(value) === condition.isEmpty;
}

/**
 * The state a branch leads to for a submission's `data`: the `goto` of the first case whose
 * condition holds on `data[branch.field]`, otherwise `branch.otherwise`. Only the data's own
 * properties are read (an inherited `constructor` or `toString` is an absent field), and data
 * that is not an object has no fields.
 */
export function chooseBranch(branch: WorkflowBranch, data: Readonly<Record<string, unknown>>): string {
  const own = typeof data === 'object' && data !== null && Object.hasOwn(data, branch.field);
  const value = own ? data[branch.field] : undefined;
  return branch.cases.find((c) => conditionHolds(c.when, value))?.goto ?? branch.otherwise;
}
