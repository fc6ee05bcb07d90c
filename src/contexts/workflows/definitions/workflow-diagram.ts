// A workflow definition drawn as a Mermaid state diagram (text), for documentation and admin
// screens. Deterministic: states in declaration order, transitions in order.
import { parseWorkflowDefinition, type WorkflowAction, type WorkflowCondition, type WorkflowDefinition } from './workflow-definition.js';

/** The longest value shown in a label, in characters. */
const MAX_VALUE_LENGTH = 40;

/**
 * State names Mermaid's state-diagram lexer reads as keywords (case-insensitively) at the start
 * of a statement: such a state is drawn under the alias `_<name>` (no state name starts with
 * `_`, so an alias never meets another state's name).
 */
const KEYWORDS = new Set(['state', 'note', 'end', 'scale', 'direction', 'class', 'classdef', 'style', 'click', 'hide', 'acctitle', 'accdescr']);

const idOf = (name: string) => (KEYWORDS.has(name) ? `_${name}` : name);

/**
 * A value as label text: only letters, digits, spaces and `_ . , + / = @ ? ! ( ) -` are kept
 * (quotes, `:`, `;`, `#`, `%`, `>`, `<`, brackets and line breaks, which end or change a Mermaid
 * statement, become spaces; `-->` cannot be formed without `>`), runs of spaces become one, the
 * word `direction` is kept from being read as a layout statement, and the result is cut to 40
 * characters (`…` marks a cut).
 */
function labelValue(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  const kept = value
    .replace(/[^\p{L}\p{N} _.,+/=@?!()-]/gu, ' ')
    .replace(/ +/g, ' ')
    .trim()
    .replace(/direction/gi, (word) => `${word}_`);
  if (kept === '') return '(empty text)';
  const chars = [...kept];
  return chars.length <= MAX_VALUE_LENGTH ? kept : `${chars.slice(0, MAX_VALUE_LENGTH - 1).join('')}…`;
}

/** A branch case's label: `amount > 10`, `status = approved`, `country in (vn, de)`. */
function conditionLabel(field: string, condition: WorkflowCondition): string {
  if ('equals' in condition) return `${field} = ${labelValue(condition.equals)}`;
  if ('oneOf' in condition) return `${field} in (${labelValue(condition.oneOf.map((v) => labelValue(v)).join(', '))})`;
  if ('greaterThan' in condition) return `${field} > ${condition.greaterThan}`;
  if ('atLeast' in condition) return `${field} >= ${condition.atLeast}`;
  if ('lessThan' in condition) return `${field} < ${condition.lessThan}`;
  if ('atMost' in condition) return `${field} <= ${condition.atMost}`;
  return condition.isEmpty ? `${field} is empty` : `${field} is not empty`;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A UTC time without `:` (a note's text may not hold one): `2025-01-31 09h30 UTC`. */
function untilText(until: string): string {
  const iso = new Date(until).toISOString();
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 13)}h${iso.slice(14, 16)}${seconds === '00' ? '' : `m${seconds}s`} UTC`;
}

/** One line of a state's note: `assign team`, `notify 2 users, 1 team`, `wait 3600 s`. */
function actionText(action: WorkflowAction): string {
  switch (action.type) {
    case 'set_submission_status':
      return `set_submission_status ${action.event}`;
    case 'notify': {
      const to = [action.users?.length ? count(action.users.length, 'user') : '', action.teams?.length ? count(action.teams.length, 'team') : ''];
      return `notify ${to.filter((part) => part !== '').join(', ')}`;
    }
    case 'webhook':
      return `webhook ${action.event}`;
    case 'assign':
      return 'user' in action ? 'assign user' : 'assign team';
    case 'wait':
      return 'seconds' in action ? `wait ${action.seconds} s` : `wait until ${untilText(action.until)}`;
  }
}

/**
 * The definition as a Mermaid `stateDiagram-v2`: `[*] --> <initial>`, then for each state in
 * declaration order its transitions (`a --> b`; a branch's cases labelled with their condition,
 * e.g. `a --> b: amount > 10`, then `a --> c: otherwise`; an end as `a --> [*]: completed`),
 * followed by a `note right of <state>` listing its actions in order. Values in labels are
 * sanitized and cut to 40 characters; a state whose name Mermaid reads as a keyword (`note`,
 * `state`, `end`…) is declared as `state "note" as _note` and drawn as `_note`.
 *
 * @throws ValidationError for anything that is not a valid definition (it is checked first).
 */
export function workflowDiagram(input: WorkflowDefinition): string {
  const definition = parseWorkflowDefinition(input);
  const lines = ['stateDiagram-v2'];
  for (const name of Object.keys(definition.states)) {
    if (idOf(name) !== name) lines.push(`  state "${name}" as ${idOf(name)}`);
  }
  lines.push(`  [*] --> ${idOf(definition.initial)}`);
  for (const [name, state] of Object.entries(definition.states)) {
    const id = idOf(name);
    const then = state.then;
    if ('goto' in then) {
      lines.push(`  ${id} --> ${idOf(then.goto)}`);
    } else if ('branch' in then) {
      const { field, cases, otherwise } = then.branch;
      for (const c of cases) lines.push(`  ${id} --> ${idOf(c.goto)}: ${conditionLabel(field, c.when)}`);
      lines.push(`  ${id} --> ${idOf(otherwise)}: otherwise`);
    } else {
      lines.push(`  ${id} --> [*]: ${then.end}`);
    }
    if (state.actions && state.actions.length > 0) {
      lines.push(`  note right of ${id}`, ...state.actions.map((action) => `    ${actionText(action)}`), '  end note');
    }
  }
  return `${lines.join('\n')}\n`;
}
