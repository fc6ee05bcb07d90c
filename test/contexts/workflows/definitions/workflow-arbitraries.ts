// fast-check arbitraries of workflow definitions the meta-schema accepts, of conditions, and of
// values a submission field may hold.
import fc from 'fast-check';

type Json = Record<string, unknown>;

const uuid = fc.uuid();
const stateName = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
/** Text a condition may compare with (ASCII, unicode, empty, characters Mermaid would trip on). */
const conditionText = fc.oneof(fc.string({ maxLength: 12 }).filter((s) => !s.includes('\u0000') && isWellFormed(s)), fc.constantFrom('', 'yes', 'a:b', 'x"y', 'line\nbreak', 'é😀'));
const conditionNumber = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }));

function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** A condition the meta-schema accepts (as input: −0 may appear). */
export const conditionArbitrary: fc.Arbitrary<Json> = fc.oneof(
  fc.oneof(conditionText, conditionNumber, fc.boolean(), fc.constant(null)).map((equals) => ({ equals })),
  fc.array(fc.oneof(conditionText, conditionNumber, fc.boolean()), { minLength: 1, maxLength: 5 }).map((oneOf) => ({ oneOf })),
  conditionNumber.map((greaterThan) => ({ greaterThan })),
  conditionNumber.map((atLeast) => ({ atLeast })),
  conditionNumber.map((lessThan) => ({ lessThan })),
  conditionNumber.map((atMost) => ({ atMost })),
  fc.boolean().map((isEmpty) => ({ isEmpty })),
);

/** Values a submission field may hold (and some it may not), to test conditions with. */
export const fieldValueArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  conditionText,
  conditionNumber,
  fc.boolean(),
  fc.constantFrom(null, undefined, '', [], [1], {}, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, '5', 'yes'),
);

const timeout = fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined }).map((t) => (t === undefined ? {} : { timeoutSeconds: t }));

/** An action that is not a wait. */
const busyAction: fc.Arbitrary<Json> = fc.oneof(
  fc.tuple(fc.constantFrom('start_review', 'approve', 'reject', 'complete', 'archive'), timeout).map(([event, t]) => ({
    type: 'set_submission_status',
    event,
    ...(event === 'reject' ? { reason: 'Not eligible' } : {}),
    ...t,
  })),
  fc
    .tuple(
      fc.uniqueArray(uuid, { maxLength: 3 }),
      fc.uniqueArray(uuid, { maxLength: 2 }),
      fc.constantFrom('Review needed', ' Padded title ', 'Ünïcode 😀'),
      fc.string({ maxLength: 20 }).filter((s) => !s.includes('\u0000') && isWellFormed(s)),
      fc.option(fc.constantFrom('low', 'normal', 'high', 'urgent'), { nil: undefined }),
      timeout,
    )
    .map(([users, teams, title, message, priority, t]) => ({
      type: 'notify',
      ...(users.length > 0 || teams.length === 0 ? { users: users.length > 0 ? users : ['00000000-0000-4000-8000-000000000000'] } : {}),
      ...(teams.length > 0 ? { teams } : {}),
      title,
      message,
      ...(priority === undefined ? {} : { priority }),
      ...t,
    })),
  fc.tuple(stateName, fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 5 }).filter((s) => !s.includes('\u0000'))), { maxKeys: 3 }), { nil: undefined }), timeout).map(([event, data, t]) => ({
    type: 'webhook',
    event,
    ...(data === undefined ? {} : { data }),
    ...t,
  })),
  fc.tuple(fc.constantFrom('user', 'team'), uuid, timeout).map(([key, id, t]) => ({ type: 'assign', [key]: id, ...t })),
);

/** A wait action. */
const waitAction: fc.Arbitrary<Json> = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 31_536_000 }), timeout).map(([seconds, t]) => ({ type: 'wait', seconds, ...t })),
  fc
    .tuple(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('Z', '+07:00', '-03:30'))
    .map(([date, offset]) => {
      const iso = date.toISOString();
      return { type: 'wait', until: offset === 'Z' ? iso : `${iso.slice(0, 19)}${offset}` };
    }),
);

interface Plan {
  names: string[];
  parents: number[];
  waits: boolean[];
  kinds: number[];
  extras: number[][];
  busy: Json[][];
  waitActions: Json[];
  waitAt: number[];
  conditions: Json[];
  descriptions: (string | undefined)[];
  timeoutSeconds: number | undefined;
}

const MAX = 8;

/**
 * Definitions of 1–8 states that the meta-schema accepts: every state reachable from the first
 * (a random spanning tree), the last state an end, extra transitions forward anywhere and back
 * only to states that wait (so every cycle passes through a wait), and random actions.
 */
export const workflowDefinitionArbitrary: fc.Arbitrary<Json> = fc
  .record({
    names: fc.uniqueArray(stateName, { minLength: MAX, maxLength: MAX }),
    parents: fc.array(fc.nat(), { minLength: MAX, maxLength: MAX }),
    waits: fc.array(fc.boolean(), { minLength: MAX, maxLength: MAX }),
    kinds: fc.array(fc.nat(5), { minLength: MAX, maxLength: MAX }),
    extras: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: MAX, maxLength: MAX }),
    busy: fc.array(fc.array(busyAction, { maxLength: 3 }), { minLength: MAX, maxLength: MAX }),
    waitActions: fc.array(waitAction, { minLength: MAX, maxLength: MAX }),
    waitAt: fc.array(fc.nat(), { minLength: MAX, maxLength: MAX }),
    conditions: fc.array(conditionArbitrary, { minLength: MAX * 6, maxLength: MAX * 6 }),
    descriptions: fc.array(fc.option(fc.constantFrom('', 'Review', 'Ünïcode'), { nil: undefined }), { minLength: MAX, maxLength: MAX }),
    timeoutSeconds: fc.option(fc.integer({ min: 1, max: 31_536_000 }), { nil: undefined }),
  })
  .chain((plan) => fc.integer({ min: 1, max: MAX }).map((n) => build(plan, n)));

function build(plan: Plan, n: number): Json {
  const names = plan.names.slice(0, n);
  const children: number[][] = names.map(() => []);
  for (let i = 1; i < n; i += 1) children[plan.parents[i]! % i]!.push(i);
  // Targets a state may have beyond its children: any later state, or an earlier (or itself)
  // that waits.
  const allowed = (i: number) => names.map((_, j) => j).filter((j) => j > i || plan.waits[j]);
  let c = 0;
  const states: Json = {};
  names.forEach((name, i) => {
    const options = allowed(i);
    const extra = options.length > 0 ? plan.extras[i]!.map((k) => options[k % options.length]!) : [];
    const targets = [...children[i]!, ...extra];
    let then: Json;
    if (i === n - 1) {
      // The last state has no children: it ends, so an end is reachable from the first.
      then = { end: plan.kinds[i]! % 2 === 0 ? 'completed' : 'failed' };
    } else if (targets.length === 0) {
      then = plan.kinds[i]! % 3 === 0 ? { end: 'failed' } : { goto: names[i + 1]! };
    } else if (targets.length === 1 && plan.kinds[i]! % 2 === 0) {
      then = { goto: names[targets[0]!]! };
    } else {
      const [otherwise, ...rest] = targets;
      const cases = (rest.length > 0 ? rest : [otherwise!]).map((t) => ({ when: plan.conditions[c++ % plan.conditions.length], goto: names[t]! }));
      then = { branch: { field: `field_${i}`, cases, otherwise: names[otherwise!]! } };
    }
    const actions = [...plan.busy[i]!];
    if (plan.waits[i]) actions.splice(plan.waitAt[i]! % (actions.length + 1), 0, plan.waitActions[i]!);
    const description = plan.descriptions[i];
    states[name] = { ...(description === undefined ? {} : { description }), ...(actions.length > 0 || i % 2 ? { actions } : {}), then };
  });
  return { format: 1, initial: names[0], ...(plan.timeoutSeconds === undefined ? {} : { timeoutSeconds: plan.timeoutSeconds }), states };
}
