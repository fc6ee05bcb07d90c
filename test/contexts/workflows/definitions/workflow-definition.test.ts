// The workflow-definition meta-schema, rule by rule (no database): a definition of every action
// type and transition kind parses; each invalid variant is a ValidationError at its path.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import {
  parseWorkflowDefinition,
  WORKFLOW_ACTION_TYPES,
  WORKFLOW_DEFINITION_FORMAT,
  WORKFLOW_DEFINITION_LIMITS,
  WorkflowDefinitionSchema,
  type WorkflowAction,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
} from '../../../../src/contexts/workflows/definitions/workflow-definition.js';

const USER = '6f1c1a52-0e5b-4c39-9a55-3c7c0f4a0001';
const TEAM = '6f1c1a52-0e5b-4c39-9a55-3c7c0f4a0002';

/** A definition with every action type (both forms of assign and wait) and every transition kind. */
function example() {
  return {
    format: 1,
    initial: 'intake',
    timeoutSeconds: 604_800,
    states: {
      intake: {
        description: 'A new expense claim',
        actions: [
          { type: 'set_submission_status', event: 'start_review' },
          { type: 'assign', team: TEAM },
          { type: 'notify', teams: [TEAM], title: '  New claim  ', message: 'Please review', priority: 'high', timeoutSeconds: 60 },
        ],
        then: { goto: 'triage' },
      },
      triage: {
        then: {
          branch: {
            field: 'amount',
            cases: [
              { when: { isEmpty: true }, goto: 'rejected' },
              { when: { greaterThan: 10_000 }, goto: 'director' },
              { when: { atLeast: 1000 }, goto: 'manager' },
              { when: { lessThan: 0 }, goto: 'rejected' },
              { when: { atMost: 0 }, goto: 'rejected' },
            ],
            otherwise: 'approved',
          },
        },
      },
      manager: {
        actions: [
          { type: 'assign', user: USER },
          { type: 'notify', users: [USER], title: 'Decide', message: '' },
          { type: 'wait', seconds: 3600 },
        ],
        then: {
          branch: {
            field: 'decision',
            cases: [
              { when: { equals: 'approve' }, goto: 'approved' },
              { when: { oneOf: ['reject', 'deny', 0, false] }, goto: 'rejected' },
              { when: { equals: null }, goto: 'manager' },
            ],
            otherwise: 'manager',
          },
        },
      },
      director: {
        actions: [
          { type: 'wait', until: '2030-01-01T09:00:00+07:00' },
          { type: 'webhook', event: 'director_review', data: { level: 2, tags: ['large'] } },
        ],
        then: { goto: 'manager' },
      },
      approved: {
        actions: [
          { type: 'set_submission_status', event: 'approve' },
          { type: 'set_submission_status', event: 'complete', timeoutSeconds: 86_400 },
        ],
        then: { end: 'completed' },
      },
      rejected: {
        actions: [
          { type: 'set_submission_status', event: 'reject', reason: ' Not eligible ' },
          { type: 'set_submission_status', event: 'archive' },
        ],
        then: { end: 'failed' },
      },
    },
  } satisfies WorkflowDefinitionInput;
}

type Example = ReturnType<typeof example>;

/** The ValidationError `fn` throws (any other outcome fails the test). */
function issuesOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const pathsOf = (input: unknown) => issuesOf(() => parseWorkflowDefinition(input)).issues.map((issue) => issue.path);

/** The example with one state's properties replaced. */
function withState(name: string, state: unknown): unknown {
  const base = example();
  return { ...base, states: { ...base.states, [name]: state } };
}

/** The example with the `i`th action of `intake` replaced. */
function withAction(i: number, action: unknown): unknown {
  const base = example();
  const actions: unknown[] = [...base.states.intake.actions];
  actions[i] = action;
  return withState('intake', { ...base.states.intake, actions });
}

/** The example with the triage branch's first case's condition replaced. */
function withCondition(when: unknown): unknown {
  const base = example();
  const branch = base.states.triage.then.branch;
  return withState('triage', { then: { branch: { ...branch, cases: [{ when, goto: 'rejected' }, ...branch.cases.slice(1)] } } });
}

/** A definition of `states`, starting in `initial`. */
function graph(states: Record<string, unknown>, initial = 'a'): unknown {
  return { format: 1, initial, states };
}

describe('workflow definition meta-schema', () => {
  it('exports the format, the limits and the action types', () => {
    expect(WORKFLOW_DEFINITION_FORMAT).toBe(1);
    expect(WORKFLOW_ACTION_TYPES).toEqual(['set_submission_status', 'notify', 'webhook', 'assign', 'wait']);
    expect(Object.isFrozen(WORKFLOW_DEFINITION_LIMITS)).toBe(true);
    expect(WORKFLOW_DEFINITION_LIMITS).toMatchObject({
      maxStates: 50,
      maxActionsPerState: 20,
      maxCases: 20,
      maxRecipients: { users: 50, teams: 10 },
      maxWaitSeconds: 31_536_000,
      maxStepTimeoutSeconds: 86_400,
      defaultStepTimeoutSeconds: 300,
      maxExecutionTimeoutSeconds: 31_536_000,
      title: 200,
      message: 2000,
      reason: 2000,
      description: 500,
    });
  });

  it('parses a definition of every action type and transition kind (texts trimmed where the format says)', () => {
    const parsed: WorkflowDefinition = parseWorkflowDefinition(example());
    const expected = example() as Example;
    expected.states.intake.actions[2] = { ...expected.states.intake.actions[2], title: 'New claim' } as (typeof expected.states.intake.actions)[2];
    expected.states.rejected.actions[0] = { ...expected.states.rejected.actions[0], reason: 'Not eligible' } as (typeof expected.states.rejected.actions)[0];
    expect(parsed).toEqual(expected);
    expect(Object.keys(parsed.states)).toEqual(['intake', 'triage', 'manager', 'director', 'approved', 'rejected']);
    const types = Object.values(parsed.states).flatMap((state) => (state.actions ?? []).map((action: WorkflowAction) => action.type));
    expect(new Set(types)).toEqual(new Set(WORKFLOW_ACTION_TYPES));
    // The schema itself, as it would be used inside another input schema.
    expect(WorkflowDefinitionSchema.parse(example())).toEqual(parsed);
    // The smallest definition.
    expect(parseWorkflowDefinition({ format: 1, initial: 'done', states: { done: { then: { end: 'completed' } } } })).toEqual({
      format: 1,
      initial: 'done',
      states: { done: { then: { end: 'completed' } } },
    });
  });

  it('refuses what is not a definition at the argument, under the path given', () => {
    for (const value of [undefined, null, 'definition', 42, [], true]) {
      expect(issuesOf(() => parseWorkflowDefinition(value)).issues.map((i) => i.path)).toEqual(['definition']);
    }
    // A Date is an object without the properties.
    expect(pathsOf(new Date(0))).toEqual(['definition.format', 'definition.initial', 'definition.states']);
    expect(issuesOf(() => parseWorkflowDefinition(null, 'input.definition')).issues[0]!.path).toBe('input.definition');
    expect(issuesOf(() => parseWorkflowDefinition(withState('intake', { then: { goto: 'nowhere' } }), 'input.definition')).issues.map((i) => i.path)).toEqual([
      'input.definition.states.intake.then.goto',
    ]);
    // An empty path: the meta-schema's own paths.
    expect(issuesOf(() => parseWorkflowDefinition({ ...example(), format: 2 }, '')).issues.map((i) => i.path)).toEqual(['format']);
    expect(pathsOf({})).toEqual(['definition.format', 'definition.initial', 'definition.states']);
    expect(pathsOf({ ...example(), format: 2 })).toEqual(['definition.format']);
  });

  it('a property that throws when read is a ValidationError, not the thrown error', () => {
    const throwing = Object.defineProperty({ format: 1, initial: 'a' }, 'states', {
      enumerable: true,
      get: () => {
        throw new TypeError('boom');
      },
    });
    expect(issuesOf(() => parseWorkflowDefinition(throwing)).issues).toEqual([{ path: 'definition', message: 'could not be read (a property threw)' }]);
    const proxy = new Proxy({}, { ownKeys: () => { throw new RangeError('trap'); } });
    expect(issuesOf(() => parseWorkflowDefinition({ format: 1, initial: 'a', states: proxy })).issues[0]!.path.startsWith('definition')).toBe(true);
  });

  it('cyclic and huge inputs are ValidationErrors, quickly', () => {
    const cyclic = example() as unknown as { states: { director: { actions: { data?: unknown }[]; then: unknown } } };
    cyclic.states.director.actions[1]!.data = { self: cyclic };
    expect(pathsOf(cyclic)).toEqual(['definition.states.director.actions.1.data']);
    cyclic.states.director.then = cyclic.states.director;
    expect(pathsOf(cyclic)).toContain('definition.states.director.then');
    const started = performance.now();
    expect(pathsOf(withState('intake', { actions: Array.from({ length: 1_000_000 }, () => ({})), then: { goto: 'triage' } }))).toEqual([
      'definition.states.intake.actions',
    ]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses unknown properties everywhere', () => {
    const base = example();
    const cases: [unknown, string][] = [
      [{ ...base, extra: true }, 'definition'],
      [withState('intake', { ...base.states.intake, colour: 'red' }), 'definition.states.intake'],
      [withAction(1, { type: 'assign', team: TEAM, note: 'x' }), 'definition.states.intake.actions.1'],
      [withAction(0, { type: 'set_submission_status', event: 'approve', comment: 'x' }), 'definition.states.intake.actions.0'],
      [withState('triage', { then: { branch: { ...base.states.triage.then.branch, default: 'approved' } } }), 'definition.states.triage.then.branch'],
      [withState('triage', { then: { branch: { ...base.states.triage.then.branch, cases: [{ when: { isEmpty: true }, goto: 'rejected', label: 'x' }] } } }), 'definition.states.triage.then.branch.cases.0'],
      [withState('approved', { then: { end: 'completed', reason: 'x' } }), 'definition.states.approved.then'],
      [withCondition({ atLeast: 1, unit: 'EUR' }), 'definition.states.triage.then.branch.cases.0.when'],
    ];
    for (const [input, path] of cases) expect(pathsOf(input), path).toEqual([path]);
  });

  it('format, initial and the execution timeout', () => {
    expect(pathsOf({ ...example(), format: '1' })).toEqual(['definition.format']);
    expect(pathsOf({ ...example(), initial: 'nowhere' })).toEqual(['definition.initial']);
    expect(pathsOf({ ...example(), initial: 'Intake' })).toContain('definition.initial');
    for (const timeoutSeconds of [0, -1, 1.5, 31_536_001, '60']) expect(pathsOf({ ...example(), timeoutSeconds })).toEqual(['definition.timeoutSeconds']);
    expect(parseWorkflowDefinition({ ...example(), timeoutSeconds: 31_536_000 }).timeoutSeconds).toBe(31_536_000);
  });

  it('state names: the pattern, __proto__, 1 to 50 states', () => {
    const base = example();
    for (const name of ['Intake', '1st', '_x', 'has-dash', 'x'.repeat(64), '', 'été']) {
      expect(pathsOf({ ...base, states: { ...base.states, [name]: { then: { goto: 'intake' } } } })).toEqual([`definition.states.${name}`]);
    }
    // An own __proto__ key (as JSON.parse makes one) is refused, not skipped.
    const proto = JSON.parse('{"format":1,"initial":"a","states":{"a":{"then":{"end":"completed"}},"__proto__":{"then":{"goto":"a"}}}}') as unknown;
    expect(issuesOf(() => parseWorkflowDefinition(proto)).issues).toEqual([
      { path: 'definition.states.__proto__', message: expect.stringContaining('must be a state name') as string },
    ]);
    // Names that are properties of Object.prototype are ordinary names.
    expect(Object.keys(parseWorkflowDefinition(graph({ a: { then: { goto: 'constructor' } }, constructor: { then: { end: 'completed' } } })).states)).toEqual(['a', 'constructor']);
    expect(pathsOf({ ...base, states: {} })).toEqual(['definition.states']);
    expect(pathsOf({ ...base, states: [] })).toEqual(['definition.states']);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`s${i}`, { then: i === 50 ? { end: 'completed' } : { goto: `s${i + 1}` } }]));
    expect(pathsOf(graph(many, 's0'))).toEqual(['definition.states']);
    delete many.s50;
    many.s49 = { then: { end: 'completed' } };
    expect(Object.keys(parseWorkflowDefinition(graph(many, 's0')).states)).toHaveLength(50);
    // A huge object is refused by its size, quickly.
    const huge = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`s${i}`, {}]));
    const started = performance.now();
    expect(pathsOf(graph(huge, 's0'))).toEqual(['definition.states']);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('states: description, actions (at most 20), then required', () => {
    const base = example();
    expect(pathsOf(withState('intake', { ...base.states.intake, description: 'x'.repeat(501) }))).toEqual(['definition.states.intake.description']);
    expect(pathsOf(withState('intake', { ...base.states.intake, description: 'a\u0000b' }))).toEqual(['definition.states.intake.description']);
    expect(pathsOf(withState('intake', { ...base.states.intake, description: 'lone \ud800' }))).toEqual(['definition.states.intake.description']);
    expect(pathsOf(withState('intake', { actions: [] }))).toEqual(['definition.states.intake.then']);
    const wait = { type: 'wait', seconds: 1 };
    expect(pathsOf(withState('intake', { actions: Array.from({ length: 21 }, () => wait), then: { goto: 'triage' } }))).toEqual(['definition.states.intake.actions']);
    expect(parseWorkflowDefinition(withState('intake', { actions: Array.from({ length: 20 }, () => wait), then: { goto: 'triage' } })).states.intake!.actions).toHaveLength(20);
    expect(pathsOf(withState('intake', { actions: {}, then: { goto: 'triage' } }))).toEqual(['definition.states.intake.actions']);
  });

  it('transitions: exactly one of goto, branch, end; targets name states', () => {
    const base = example();
    const branch = base.states.triage.then.branch;
    const at = (name: string, then: unknown) => pathsOf(withState(name, { then }));
    expect(at('approved', {})).toEqual(['definition.states.approved.then']);
    expect(at('approved', { goto: 'manager', end: 'completed' })).toEqual(['definition.states.approved.then']);
    expect(at('approved', 'completed')).toEqual(['definition.states.approved.then']);
    expect(at('approved', { end: 'done' })).toEqual(['definition.states.approved.then.end']);
    // Only the transition is reported, not the states it no longer reaches.
    expect(at('intake', { goto: 'nowhere' })).toEqual(['definition.states.intake.then.goto']);
    expect(at('intake', { goto: 42 })).toEqual(['definition.states.intake.then.goto']);
    expect(at('triage', { branch: { ...branch, otherwise: 'nowhere' } })).toEqual(['definition.states.triage.then.branch.otherwise']);
    expect(at('triage', { branch: { ...branch, cases: [{ when: { isEmpty: true }, goto: 'nowhere' }, ...branch.cases.slice(1)] } })).toEqual([
      'definition.states.triage.then.branch.cases.0.goto',
    ]);
    expect(at('triage', { branch: { ...branch, cases: [] } })).toEqual(['definition.states.triage.then.branch.cases']);
    const many = Array.from({ length: 21 }, () => ({ when: { atLeast: 1 }, goto: 'manager' }));
    expect(at('triage', { branch: { ...branch, cases: many } })).toEqual(['definition.states.triage.then.branch.cases']);
    expect(at('triage', { branch: { ...branch, field: 'Amount' } })).toEqual(['definition.states.triage.then.branch.field']);
    expect(at('triage', { branch: { ...branch, field: 'x'.repeat(64) } })).toEqual(['definition.states.triage.then.branch.field']);
    const { otherwise: _, ...noOtherwise } = branch;
    expect(at('triage', { branch: noOtherwise })).toEqual(['definition.states.triage.then.branch.otherwise']);
    // Cases with the same condition are allowed (the first wins).
    expect(() => parseWorkflowDefinition(withState('triage', { then: { branch: { ...branch, cases: [...branch.cases, ...branch.cases] } } }))).not.toThrow();
  });

  it('conditions: exactly one key, each with its operand', () => {
    const at = 'definition.states.triage.then.branch.cases.0.when';
    const bad: [unknown, string][] = [
      [{}, at],
      [{ equals: 1, oneOf: [1] }, at],
      [{ notEquals: 1 }, at],
      ['amount > 1', at],
      [{ equals: {} }, `${at}.equals`],
      [{ equals: [1] }, `${at}.equals`],
      [{ equals: 'x'.repeat(1001) }, `${at}.equals`],
      [{ equals: 'a\u0000' }, `${at}.equals`],
      [{ equals: Number.NaN }, `${at}.equals`],
      [{ oneOf: [] }, `${at}.oneOf`],
      [{ oneOf: Array.from({ length: 51 }, (_, i) => i) }, `${at}.oneOf`],
      [{ oneOf: [null] }, `${at}.oneOf.0`],
      [{ oneOf: 'a' }, `${at}.oneOf`],
      [{ greaterThan: Number.POSITIVE_INFINITY }, `${at}.greaterThan`],
      [{ atLeast: '5' }, `${at}.atLeast`],
      [{ lessThan: null }, `${at}.lessThan`],
      [{ atMost: Number.NaN }, `${at}.atMost`],
      [{ isEmpty: 'yes' }, `${at}.isEmpty`],
    ];
    for (const [when, path] of bad) expect(pathsOf(withCondition(when)), JSON.stringify(when)).toEqual([path]);
    for (const when of [{ equals: 'x'.repeat(1000) }, { equals: null }, { equals: false }, { oneOf: ['a', 1, true] }, { isEmpty: false }, { atMost: -0 }]) {
      expect(() => parseWorkflowDefinition(withCondition(when))).not.toThrow();
    }
    // −0 is stored as 0 (as jsonb stores it).
    const parsed = parseWorkflowDefinition(withCondition({ atMost: -0 }));
    const then = parsed.states.triage!.then;
    expect('branch' in then && Object.is((then.branch.cases[0]!.when as { atMost: number }).atMost, 0)).toBe(true);
  });

  it('set_submission_status: a known event; a reason for reject only', () => {
    const at = 'definition.states.intake.actions.0';
    expect(pathsOf(withAction(0, { type: 'set_submission_status', event: 'submit' }))).toEqual([`${at}.event`]);
    expect(pathsOf(withAction(0, { type: 'set_submission_status' }))).toEqual([`${at}.event`]);
    expect(issuesOf(() => parseWorkflowDefinition(withAction(0, { type: 'set_submission_status', event: 'reject' }))).issues).toEqual([
      { path: `${at}.reason`, message: 'is required when the event is reject' },
    ]);
    expect(issuesOf(() => parseWorkflowDefinition(withAction(0, { type: 'set_submission_status', event: 'approve', reason: 'Fine' }))).issues).toEqual([
      { path: `${at}.reason`, message: 'is only allowed when the event is reject' },
    ]);
    for (const reason of ['   ', 'x'.repeat(2001), 'a\u0000b', 7]) {
      expect(pathsOf(withAction(0, { type: 'set_submission_status', event: 'reject', reason }))).toEqual([`${at}.reason`]);
    }
    expect(pathsOf(withAction(0, { type: 'approve' }))).toEqual([`${at}.type`]);
    expect(pathsOf(withAction(0, { event: 'approve' }))).toEqual([`${at}.type`]);
    expect(pathsOf(withAction(0, { type: 'toString' }))).toEqual([`${at}.type`]);
    expect(pathsOf(withAction(0, 'wait'))).toEqual([at]);
  });

  it('notify: at least one recipient, each listed once, bounded texts', () => {
    const at = 'definition.states.intake.actions.2';
    const notify = { type: 'notify', title: 'Hello', message: 'World' };
    expect(issuesOf(() => parseWorkflowDefinition(withAction(2, notify))).issues).toEqual([{ path: at, message: 'must name at least one user or team to notify' }]);
    expect(pathsOf(withAction(2, { ...notify, users: [], teams: [] }))).toEqual([at]);
    expect(pathsOf(withAction(2, { ...notify, users: [USER, USER.toUpperCase()] }))).toEqual([`${at}.users.1`]);
    expect(pathsOf(withAction(2, { ...notify, teams: [TEAM, USER, TEAM] }))).toEqual([`${at}.teams.2`]);
    expect(pathsOf(withAction(2, { ...notify, users: ['not-a-uuid'] }))).toEqual([`${at}.users.0`]);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(pathsOf(withAction(2, { ...notify, users: ids(51) }))).toEqual([`${at}.users`]);
    expect(pathsOf(withAction(2, { ...notify, teams: ids(11) }))).toEqual([`${at}.teams`]);
    expect(() => parseWorkflowDefinition(withAction(2, { ...notify, users: ids(50), teams: ids(10) }))).not.toThrow();
    for (const title of ['   ', '', 'x'.repeat(201), 'lone \udc00']) expect(pathsOf(withAction(2, { ...notify, users: [USER], title }))).toEqual([`${at}.title`]);
    expect(pathsOf(withAction(2, { ...notify, users: [USER], message: 'x'.repeat(2001) }))).toEqual([`${at}.message`]);
    const { message: _, ...noMessage } = notify;
    expect(pathsOf(withAction(2, { ...noMessage, users: [USER] }))).toEqual([`${at}.message`]);
    expect(pathsOf(withAction(2, { ...notify, users: [USER], priority: 'critical' }))).toEqual([`${at}.priority`]);
  });

  it('webhook: an event name and metadata', () => {
    const at = 'definition.states.intake.actions.0';
    for (const event of ['Invoice-Due', 'invoice.due', '', 'x'.repeat(64)]) expect(pathsOf(withAction(0, { type: 'webhook', event }))).toEqual([`${at}.event`]);
    expect(pathsOf(withAction(0, { type: 'webhook', event: 'x', data: [] }))).toContain(`${at}.data`);
    expect(pathsOf(withAction(0, { type: 'webhook', event: 'x', data: JSON.parse('{"__proto__": 1}') as unknown }))).toContain(`${at}.data`);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i += 1) deep = { d: deep };
    expect(pathsOf(withAction(0, { type: 'webhook', event: 'x', data: deep }))).toContain(`${at}.data`);
    expect(pathsOf(withAction(0, { type: 'webhook', event: 'x', data: { big: 'x'.repeat(20_000) } }))).toContain(`${at}.data`);
    // Text jsonb cannot store (a lone surrogate, NUL), as a value or as a key.
    expect(pathsOf(withAction(0, { type: 'webhook', event: 'x', data: { note: '\ud800' } }))).toContain(`${at}.data`);
    expect(pathsOf(withAction(0, { type: 'webhook', event: 'x', data: { nested: [{ '\u0000': 1 }] } })).some((p) => p.startsWith(`${at}.data`))).toBe(true);
  });

  it('assign: exactly one of user and team', () => {
    const at = 'definition.states.intake.actions.1';
    expect(issuesOf(() => parseWorkflowDefinition(withAction(1, { type: 'assign', user: USER, team: TEAM }))).issues).toEqual([
      { path: at, message: 'must have exactly one of user, team' },
    ]);
    expect(pathsOf(withAction(1, { type: 'assign' }))).toEqual([at]);
    expect(pathsOf(withAction(1, { type: 'assign', user: 'bob' }))).toEqual([`${at}.user`]);
    expect(pathsOf(withAction(1, { type: 'assign', team: null }))).toEqual([`${at}.team`]);
    const parsed = parseWorkflowDefinition(withAction(1, { type: 'assign', user: USER }));
    expect(parsed.states.intake!.actions![1]).toEqual({ type: 'assign', user: USER });
  });

  it('wait: exactly one of seconds (1 s to 365 days) and until (ISO 8601 with an offset)', () => {
    const at = 'definition.states.intake.actions.0';
    expect(pathsOf(withAction(0, { type: 'wait', seconds: 60, until: '2030-01-01T00:00:00Z' }))).toEqual([at]);
    expect(pathsOf(withAction(0, { type: 'wait' }))).toEqual([at]);
    for (const seconds of [0, -5, 1.5, 31_536_001, '60', Number.NaN]) expect(pathsOf(withAction(0, { type: 'wait', seconds }))).toEqual([`${at}.seconds`]);
    for (const until of ['2030-01-01T00:00:00', '2030-01-01', '2030-02-30T00:00:00Z', 'tomorrow', '0000-01-01T00:00:00Z', '9999-12-31T23:00:00-02:00', 1_900_000_000_000]) {
      expect(pathsOf(withAction(0, { type: 'wait', until })), String(until)).toEqual([`${at}.until`]);
    }
    for (const until of ['2030-01-01T00:00:00Z', '2030-01-01T00:00:00.123+05:30', '2030-06-30T23:59:59-08:00']) {
      expect(() => parseWorkflowDefinition(withAction(0, { type: 'wait', until }))).not.toThrow();
    }
    expect(() => parseWorkflowDefinition(withAction(0, { type: 'wait', seconds: 31_536_000 }))).not.toThrow();
  });

  it('every action may have a step timeout of 1 s to one day', () => {
    const actions = [
      { type: 'set_submission_status', event: 'approve' },
      { type: 'notify', users: [USER], title: 'T', message: 'M' },
      { type: 'webhook', event: 'e' },
      { type: 'assign', team: TEAM },
      { type: 'wait', seconds: 5 },
      { type: 'wait', until: '2030-01-01T00:00:00Z' },
    ];
    for (const action of actions) {
      expect(() => parseWorkflowDefinition(withAction(0, { ...action, timeoutSeconds: 86_400 }))).not.toThrow();
      for (const timeoutSeconds of [0, 86_401, 2.5]) {
        expect(pathsOf(withAction(0, { ...action, timeoutSeconds }))).toEqual(['definition.states.intake.actions.0.timeoutSeconds']);
      }
    }
  });

  it('every state must be reachable from the initial state', () => {
    const base = example();
    expect(issuesOf(() => parseWorkflowDefinition({ ...base, states: { ...base.states, orphan: { then: { goto: 'approved' } } } })).issues).toEqual([
      { path: 'definition.states.orphan', message: 'is not reachable from the initial state' },
    ]);
    // Reachable only from an unreachable state is unreachable too.
    expect(pathsOf(graph({ a: { then: { end: 'completed' } }, b: { then: { goto: 'c' } }, c: { then: { end: 'failed' } } }))).toEqual([
      'definition.states.b',
      'definition.states.c',
    ]);
  });

  it('a state that ends the workflow must be reachable', () => {
    const wait = [{ type: 'wait', seconds: 60 }];
    expect(issuesOf(() => parseWorkflowDefinition(graph({ a: { then: { goto: 'b' } }, b: { actions: wait, then: { goto: 'a' } } }))).issues).toEqual([
      { path: 'definition.states', message: 'must have a state that ends the workflow (then: { end }) reachable from the initial state' },
    ]);
  });

  it('every cycle must pass through a state with a wait action', () => {
    const wait = [{ type: 'wait', seconds: 60 }];
    const notify = [{ type: 'notify', users: [USER], title: 'Again', message: '' }];
    const loop = (actions: unknown[]) =>
      graph({
        a: { then: { goto: 'b' } },
        b: { actions, then: { branch: { field: 'done', cases: [{ when: { equals: true }, goto: 'c' }], otherwise: 'a' } } },
        c: { then: { end: 'completed' } },
      });
    expect(issuesOf(() => parseWorkflowDefinition(loop(notify))).issues).toEqual([
      { path: 'definition.states.b.then.branch.otherwise', message: 'closes a cycle without a wait action: a loop must pass through a state with a wait action' },
    ]);
    expect(() => parseWorkflowDefinition(loop(wait))).not.toThrow();
    expect(() => parseWorkflowDefinition(loop([...notify, ...wait]))).not.toThrow();
    // A state going to itself.
    expect(pathsOf(graph({ a: { then: { branch: { field: 'f', cases: [{ when: { isEmpty: false }, goto: 'b' }], otherwise: 'a' } } }, b: { then: { end: 'completed' } } }))).toEqual([
      'definition.states.a.then.branch.otherwise',
    ]);
    expect(() =>
      parseWorkflowDefinition(graph({ a: { actions: wait, then: { branch: { field: 'f', cases: [{ when: { isEmpty: false }, goto: 'b' }], otherwise: 'a' } } }, b: { then: { end: 'completed' } } })),
    ).not.toThrow();
    // Two cycles through b: one passes the waiting a, the other (b → c → b) does not.
    expect(
      pathsOf(
        graph({
          a: { actions: wait, then: { goto: 'b' } },
          b: { then: { branch: { field: 'f', cases: [{ when: { equals: 1 }, goto: 'a' }, { when: { equals: 2 }, goto: 'c' }], otherwise: 'd' } } },
          c: { then: { goto: 'b' } },
          d: { then: { end: 'completed' } },
        }),
      ),
    ).toEqual(['definition.states.c.then.goto']);
  });
});
