// Cron schedules of workflow triggers (no database): what parseCron accepts and refuses, known
// next times, a comparison with a minute-by-minute reference, and CRON_SHAPE covering every
// accepted expression.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { parseInput } from '../../../../src/core/kernel/parse-input.js';
import { CRON_SHAPE, CronScheduleSchema, nextCronTime, parseCron, type CronSchedule } from '../../../../src/contexts/workflows/definitions/cron.js';

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

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
const next = (expression: string, after: string) => nextCronTime(parseCron(expression), new Date(after)).toISOString();

describe('parseCron', () => {
  it('reads the five fields into sorted sets', () => {
    expect(parseCron('* * * * *')).toEqual({
      expression: '* * * * *',
      minutes: range(0, 59),
      hours: range(0, 23),
      daysOfMonth: range(1, 31),
      months: range(1, 12),
      daysOfWeek: range(0, 6),
      eitherDay: false,
    });
    const schedule = parseCron('*/15 9-17/4 1,15,10-12 1-12/3 5-7');
    expect(schedule.minutes).toEqual([0, 15, 30, 45]);
    expect(schedule.hours).toEqual([9, 13, 17]);
    expect(schedule.daysOfMonth).toEqual([1, 10, 11, 12, 15]);
    expect(schedule.months).toEqual([1, 4, 7, 10]);
    // 7 is Sunday, as 0 is.
    expect(schedule.daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * 0,7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * */2').daysOfWeek).toEqual([0, 2, 4, 6]);
    expect(parseCron('00 05 01 01 00')).toMatchObject({ minutes: [0], hours: [5], daysOfMonth: [1], months: [1], daysOfWeek: [0] });
    expect(parseCron('*/60 */24 */31 */12 */8')).toMatchObject({ minutes: [0], hours: [0], daysOfMonth: [1], months: [1], daysOfWeek: [0] });
    expect(Object.isFrozen(schedule)).toBe(true);
  });

  it('either day field matches when both are restricted (neither is *)', () => {
    expect(parseCron('0 0 13 * 5').eitherDay).toBe(true);
    expect(parseCron('0 0 */2 * 1').eitherDay).toBe(true);
    expect(parseCron('0 0 1-31 * 0-7').eitherDay).toBe(true);
    expect(parseCron('0 0 13 * *').eitherDay).toBe(false);
    expect(parseCron('0 0 * * 5').eitherDay).toBe(false);
  });

  it('refuses anything else with a ValidationError at cron', () => {
    const invalid = [
      '',
      '*/0 * * * *',
      '60 * * * *',
      '1- * * * *',
      ', * * * *',
      '1, * * * *',
      ',1 * * * *',
      '5-1 * * * *',
      '* * * * * *',
      '* * * *',
      '*',
      ' * * * * *',
      '* * * * * ',
      '*  * * * *',
      '*\t* * * *',
      '* * * *\n*',
      '٣ * * * *',
      '０ * * * *',
      '¹ * * * *',
      '100 * * * *',
      '5/2 * * * *',
      '*-5 * * * *',
      '*/ * * * *',
      '1-2- * * * *',
      '1-5/0 * * * *',
      '*/61 * * * *',
      '0 24 * * *',
      '0 0 0 * *',
      '0 0 32 * *',
      '0 0 * 0 *',
      '0 0 * 13 *',
      '0 0 * * 8',
      '0 0 * JAN *',
      '0 0 * * MON',
      '0 0 ? * *',
      '0 0 L * *',
      '0 0 * * 1#2',
      '@daily',
      '-1 * * * *',
      '0 0 31 2 *',
      '0 0 30 2 *',
      '0 0 31 4,6,9,11 *',
      '0 0 30,31 2 *',
      `${range(0, 20).join(',')} * * * *`,
      `0 0 * * ${'1,'.repeat(100)}1`,
    ];
    for (const expression of invalid) {
      const error = issuesOf(() => parseCron(expression));
      expect(error.issues, expression).toHaveLength(1);
      expect(error.issues[0]!.path).toBe('cron');
    }
    expect(issuesOf(() => parseCron(`0 0 * * ${'1,'.repeat(100)}1`)).issues[0]!.message).toBe('must be at most 200 characters');
    expect(issuesOf(() => parseCron('0 0 31 2 *')).issues[0]!.message).toMatch(/never fires/);
    for (const value of [null, 5, undefined, ['* * * * *']]) expect(issuesOf(() => parseCron(value as never)).issues[0]!.path).toBe('cron');
    // A long input is refused by its length, without being scanned.
    expect(issuesOf(() => parseCron('* '.repeat(1_000_000))).issues[0]!.message).toBe('must be at most 200 characters');
  });

  it('accepts what can fire: 29 February, 31 in a list with a long month, either-day rules', () => {
    for (const expression of ['0 0 29 2 *', '0 0 31 2,3 *', '0 0 30 2 1', '0 0 31 * *', `${range(0, 19).join(',')} * * * *`]) {
      expect(() => parseCron(expression), expression).not.toThrow();
    }
  });

  it('CronScheduleSchema keeps the string and reports at the field', () => {
    expect(CronScheduleSchema.parse('*/5 * * * *')).toBe('*/5 * * * *');
    const schema = z.strictObject({ schedule: CronScheduleSchema });
    expect(issuesOf(() => parseInput(schema, { schedule: '*/0 * * * *' })).issues).toEqual([
      { path: 'schedule', message: 'minute field: a step must be between 1 and 60' },
    ]);
    expect(issuesOf(() => parseInput(schema, { schedule: 5 })).issues[0]!.path).toBe('schedule');
  });
});

describe('nextCronTime', () => {
  it('finds the next quarter hour, strictly after', () => {
    expect(next('*/15 * * * *', '2024-06-07T10:07:30Z')).toBe('2024-06-07T10:15:00.000Z');
    expect(next('*/15 * * * *', '2024-06-07T10:15:00Z')).toBe('2024-06-07T10:30:00.000Z');
    expect(next('*/15 * * * *', '2024-06-07T10:14:59.999Z')).toBe('2024-06-07T10:15:00.000Z');
    expect(next('*/15 * * * *', '2024-06-07T23:50:00Z')).toBe('2024-06-08T00:00:00.000Z');
    expect(next('* * * * *', '2024-12-31T23:59:30Z')).toBe('2025-01-01T00:00:00.000Z');
  });

  it('skips a weekend for weekdays at 9:00', () => {
    expect(next('0 9 * * 1-5', '2024-06-07T10:00:00Z')).toBe('2024-06-10T09:00:00.000Z'); // Friday → Monday
    expect(next('0 9 * * 1-5', '2024-06-08T08:00:00Z')).toBe('2024-06-10T09:00:00.000Z'); // Saturday
    expect(next('0 9 * * 1-5', '2024-06-10T08:59:00Z')).toBe('2024-06-10T09:00:00.000Z');
    expect(next('0 9 * * 1-5', '2024-06-10T09:00:00Z')).toBe('2024-06-11T09:00:00.000Z');
  });

  it('jumps to the next leap year for 29 February, across 2100 (not a leap year)', () => {
    expect(next('0 0 29 2 *', '2023-03-01T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(next('0 0 29 2 *', '2024-02-29T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    const started = performance.now();
    expect(next('0 0 29 2 *', '2096-03-01T00:00:00Z')).toBe('2104-02-29T00:00:00.000Z');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('either day matches when both day fields are restricted; both otherwise', () => {
    // The 13th or a Friday.
    expect(next('0 12 13 * 5', '2024-09-01T00:00:00Z')).toBe('2024-09-06T12:00:00.000Z');
    expect(next('0 12 13 * 5', '2024-09-06T12:00:00Z')).toBe('2024-09-13T12:00:00.000Z');
    expect(next('0 12 13 * 5', '2024-09-13T12:00:00Z')).toBe('2024-09-20T12:00:00.000Z');
    expect(next('0 12 13 * 5', '2024-10-04T12:00:00Z')).toBe('2024-10-11T12:00:00.000Z');
    expect(next('0 12 13 * 5', '2024-10-11T12:00:00Z')).toBe('2024-10-13T12:00:00.000Z');
    // The 1st or a Monday, in February only.
    expect(next('0 0 1 2 1', '2024-01-30T00:00:00Z')).toBe('2024-02-01T00:00:00.000Z');
    expect(next('0 0 1 2 1', '2024-02-01T00:00:00Z')).toBe('2024-02-05T00:00:00.000Z');
    // Sundays (7) in any month.
    expect(next('30 6 * * 7', '2024-06-07T00:00:00Z')).toBe('2024-06-09T06:30:00.000Z');
  });

  it('month ends and the new year', () => {
    expect(next('0 0 31 * *', '2024-04-01T00:00:00Z')).toBe('2024-05-31T00:00:00.000Z');
    expect(next('0 0 31 * *', '2024-01-31T00:00:00Z')).toBe('2024-03-31T00:00:00.000Z');
    expect(next('0 0 30 * *', '2024-01-30T00:00:00Z')).toBe('2024-03-30T00:00:00.000Z');
    expect(next('0 0 31 2,3 *', '2024-01-01T00:00:00Z')).toBe('2024-03-31T00:00:00.000Z');
    expect(next('59 23 31 12 *', '2024-12-31T23:58:59.999Z')).toBe('2024-12-31T23:59:00.000Z');
    expect(next('59 23 31 12 *', '2024-12-31T23:59:00Z')).toBe('2025-12-31T23:59:00.000Z');
    expect(next('0 0 1 1 *', '2024-12-31T23:59:59Z')).toBe('2025-01-01T00:00:00.000Z');
  });

  it('works for any year a Date holds; refuses an invalid after', () => {
    expect(next('0 12 * * *', '0050-06-01T13:00:00Z')).toBe('0050-06-02T12:00:00.000Z');
    expect(issuesOf(() => nextCronTime(parseCron('* * * * *'), new Date(Number.NaN))).issues[0]!.path).toBe('after');
    expect(issuesOf(() => nextCronTime(parseCron('* * * * *'), '2024-01-01' as never)).issues[0]!.path).toBe('after');
    expect(issuesOf(() => nextCronTime(parseCron('* * * * *'), new Date(8.64e15))).issues[0]!.path).toBe('after');
  });
});

// ---- Properties: generated expressions, their sets computed independently. ----

interface Field {
  readonly text: string;
  readonly values: ReadonlySet<number>;
}

/** One item of a field over min…max: its text and the values it allows. */
function itemArbitrary(min: number, max: number): fc.Arbitrary<Field> {
  const value = fc.integer({ min, max });
  const step = fc.integer({ min: 1, max: max - min + 1 });
  const set = (from: number, to: number, by: number) => new Set(range(from, to, by));
  return fc.oneof(
    { weight: 3, arbitrary: value.map((v) => ({ text: String(v), values: set(v, v, 1) })) },
    { weight: 1, arbitrary: step.map((n) => ({ text: `*/${n}`, values: set(min, max, n) })) },
    { weight: 2, arbitrary: fc.tuple(value, value).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const).map(([a, b]) => ({ text: `${a}-${b}`, values: set(a, b, 1) })) },
    { weight: 1, arbitrary: fc.tuple(value, value, step).map(([a, b, n]) => ({ text: `${Math.min(a, b)}-${Math.max(a, b)}/${n}`, values: set(Math.min(a, b), Math.max(a, b), n) })) },
  );
}

function fieldArbitrary(min: number, max: number, starWeight: number): fc.Arbitrary<Field> {
  return fc.oneof(
    { weight: starWeight, arbitrary: fc.constant({ text: '*', values: new Set(range(min, max)) }) },
    {
      weight: 4,
      arbitrary: fc.array(itemArbitrary(min, max), { minLength: 1, maxLength: 4 }).map((items) => ({
        text: items.map((i) => i.text).join(','),
        values: new Set(items.flatMap((i) => [...i.values])),
      })),
    },
  );
}

const expressionArbitrary = fc.tuple(fieldArbitrary(0, 59, 3), fieldArbitrary(0, 23, 3), fieldArbitrary(1, 31, 6), fieldArbitrary(1, 12, 8), fieldArbitrary(0, 7, 4));

/** The minute-by-minute reference: whether `date` matches (independent of parseCron's sets). */
function referenceMatches(fields: readonly Field[], date: Date): boolean {
  const [minute, hour, dom, month, dow] = fields as [Field, Field, Field, Field, Field];
  const weekday = date.getUTCDay();
  const domMatch = dom.values.has(date.getUTCDate());
  const dowMatch = dow.values.has(weekday) || (weekday === 0 && dow.values.has(7));
  const day = dom.text !== '*' && dow.text !== '*' ? domMatch || dowMatch : domMatch && dowMatch;
  return minute.values.has(date.getUTCMinutes()) && hour.values.has(date.getUTCHours()) && month.values.has(date.getUTCMonth() + 1) && day;
}

const HORIZON_MINUTES = 3 * 24 * 60;
const afterArbitrary = fc.date({ min: new Date('1999-01-01T00:00:00Z'), max: new Date('2101-12-31T00:00:00Z'), noInvalidDate: true });

describe('cron properties', () => {
  it('parseCron reads generated expressions into the sets they describe (7 as 0), or refuses them as never firing', () => {
    fc.assert(
      fc.property(expressionArbitrary, (fields) => {
        const expression = fields.map((f) => f.text).join(' ');
        let schedule: CronSchedule;
        try {
          schedule = parseCron(expression);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).issues[0]!.message).toMatch(/never fires/);
          return;
        }
        const sorted = (values: Iterable<number>) => [...new Set(values)].sort((a, b) => a - b);
        expect(schedule.minutes).toEqual(sorted(fields[0].values));
        expect(schedule.hours).toEqual(sorted(fields[1].values));
        expect(schedule.daysOfMonth).toEqual(sorted(fields[2].values));
        expect(schedule.months).toEqual(sorted(fields[3].values));
        expect(schedule.daysOfWeek).toEqual(sorted([...fields[4].values].map((d) => d % 7)));
        expect(new RegExp(CRON_SHAPE).test(expression)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('nextCronTime is the first matching minute of a minute-by-minute search (within 3 days), and later otherwise', () => {
    let compared = 0;
    fc.assert(
      fc.property(expressionArbitrary, afterArbitrary, (fields, after) => {
        let schedule: CronSchedule;
        try {
          schedule = parseCron(fields.map((f) => f.text).join(' '));
        } catch {
          return;
        }
        const actual = nextCronTime(schedule, after);
        const first = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
        let expected: number | undefined;
        for (let i = 0; i < HORIZON_MINUTES && expected === undefined; i += 1) {
          const candidate = first + i * 60_000;
          if (referenceMatches(fields, new Date(candidate))) expected = candidate;
        }
        if (expected !== undefined) {
          compared += 1;
          expect(actual.toISOString()).toBe(new Date(expected).toISOString());
        } else {
          expect(actual.getTime()).toBeGreaterThanOrEqual(first + HORIZON_MINUTES * 60_000);
          expect(referenceMatches(fields, actual)).toBe(true);
        }
        expect(actual.getUTCSeconds() + actual.getUTCMilliseconds()).toBe(0);
      }),
      { numRuns: 300 },
    );
    // Most generated schedules fire within the horizon: the comparison is not vacuous.
    expect(compared).toBeGreaterThan(100);
  });

  it('CRON_SHAPE (as a JavaScript RegExp) accepts every expression parseCron accepts', () => {
    const shape = new RegExp(CRON_SHAPE);
    const text = fc.array(fc.constantFrom(...'0123456789*/,- '.split(''), '1', '5', ' ', '*'), { minLength: 1, maxLength: 30 }).map((chars) => chars.join(''));
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(text, expressionArbitrary.map((fields) => fields.map((f) => f.text).join(' '))), (expression) => {
        let ok = true;
        try {
          parseCron(expression);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          ok = false;
        }
        if (ok) {
          accepted += 1;
          expect(shape.test(expression)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
