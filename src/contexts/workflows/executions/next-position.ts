// Where an execution goes after a step: the next action of the state, or the state its
// transition leads to (through states without actions), or an end. Pure: the engine reads the
// data a branch needs and stores the result.
import { ValidationError } from '../../../core/errors/validation-error.js';
import { chooseBranch } from '../definitions/evaluate-condition.js';
import type { WorkflowAction, WorkflowDefinition, WorkflowState } from '../definitions/workflow-definition.js';

/** The next action to queue, or the end reached. */
export type NextPosition =
  | { readonly kind: 'step'; readonly state: string; readonly actionIndex: number; readonly action: WorkflowAction }
  | { readonly kind: 'end'; readonly state: string; readonly outcome: 'completed' | 'failed' };

/** The values a branch reads (a submission's values, or the execution's input). */
export type BranchData = () => Promise<Readonly<Record<string, unknown>>>;

const stateOf = (definition: WorkflowDefinition, name: string): WorkflowState => {
  const state = Object.hasOwn(definition.states, name) ? definition.states[name] : undefined;
  if (!state) throw new ValidationError([{ path: 'definition.states', message: 'has no state the execution is in' }]);
  return state;
};

/** The first action of `state`, or where its transition leads when it has none. */
export async function enterState(definition: WorkflowDefinition, name: string, data: BranchData): Promise<NextPosition> {
  let current = name;
  // A definition's cycles all pass through a wait action, so a walk through states without
  // actions visits each state at most once.
  for (let hops = 0; hops <= Object.keys(definition.states).length; hops += 1) {
    const state = stateOf(definition, current);
    const first = state.actions?.[0];
    if (first) return { kind: 'step', state: current, actionIndex: 0, action: first };
    const then = state.then;
    if ('end' in then) return { kind: 'end', state: current, outcome: then.end };
    current = 'goto' in then ? then.goto : chooseBranch(then.branch, await data());
  }
  throw new ValidationError([{ path: 'definition.states', message: 'loop through states without actions' }]);
}

/** Where the execution goes after action `actionIndex` of `state` ran. */
export async function nextPosition(definition: WorkflowDefinition, name: string, actionIndex: number, data: BranchData): Promise<NextPosition> {
  const state = stateOf(definition, name);
  const following = state.actions?.[actionIndex + 1];
  if (following) return { kind: 'step', state: name, actionIndex: actionIndex + 1, action: following };
  const then = state.then;
  if ('end' in then) return { kind: 'end', state: name, outcome: then.end };
  return enterState(definition, 'goto' in then ? then.goto : chooseBranch(then.branch, await data()), data);
}
