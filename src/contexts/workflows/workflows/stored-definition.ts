import { ValidationError } from '../../../core/errors/validation-error.js';
import type { WorkflowDefinition } from '../definitions/workflow-definition.js';
import { checkedDefinition } from './checked-definition.js';

const CACHE_SIZE = 256;
const checked = new Map<string, WorkflowDefinition>();

/**
 * A stored version's definition, checked once per process and sha256 (least recently used
 * dropped first, 256 kept): the engine reads it on every step.
 * @throws ValidationError when it is not a valid definition or does not hash to `sha256`.
 */
export function storedDefinition(definition: unknown, sha256: string): WorkflowDefinition {
  const hit = checked.get(sha256);
  if (hit) {
    checked.delete(sha256);
    checked.set(sha256, hit);
    return hit;
  }
  const result = checkedDefinition(definition, 'definition');
  if (result.sha256 !== sha256) throw new ValidationError([{ path: 'definition', message: 'does not hash to its stored sha256' }]);
  checked.set(sha256, result.definition);
  if (checked.size > CACHE_SIZE) checked.delete(checked.keys().next().value!);
  return result.definition;
}
