// Cron schedules of workflow triggers: five fields, UTC, read by a hand-written scanner (no
// regular expression), and the next time a schedule fires.
import { z } from 'zod';
import { ValidationError } from '../../../core/errors/validation-error.js';

/**
 * The shape of a cron expression as a PostgreSQL (and JavaScript) regular expression, for a
 * CHECK constraint: five fields of digits and `* / , -` separated by single spaces. Linear (the
 * separator is not in the field class, so it cannot backtrack). Every expression {@link parseCron}
 * accepts matches it; it does not check ranges or the order of the characters.
 */
export const CRON_SHAPE = '^[0-9*/,-]+( [0-9*/,-]+){4}$';

/** The longest cron expression, in characters. */
const MAX_LENGTH = 200;
/** Items of one field's comma list. */
const MAX_ITEMS = 20;
/** How far {@link nextCronTime} looks: 29 February may be 8 years away (2096 → 2104). */
const SEARCH_YEARS = 8;

/**
 * A parsed cron schedule (UTC). Each set is sorted and holds each value once; `daysOfWeek` uses
 * 0 for Sunday (7 in the expression is Sunday too).
 */
export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** 0–59. */
  readonly minutes: readonly number[];
  /** 0–23. */
  readonly hours: readonly number[];
  /** 1–31. */
  readonly daysOfMonth: readonly number[];
  /** 1–12. */
  readonly months: readonly number[];
  /** 0–6, 0 = Sunday. */
  readonly daysOfWeek: readonly number[];
  /**
   * Whether the day-of-month and the day-of-week fields are both restricted (neither is `*`):
   * a day then matches when EITHER matches (standard cron); otherwise when both do.
   */
  readonly eitherDay: boolean;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
];

/** The longest month of each month number (February: 29). */
const LONGEST_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const invalid = (message: string) => new ValidationError([{ path: 'cron', message }]);

/** A character-by-character reader of one expression. */
class Scanner {
  position = 0;

  constructor(readonly text: string) {}

  peek(): string | undefined {
    return this.position < this.text.length ? this.text[this.position] : undefined;
  }

  take(char: string): boolean {
    if (this.peek() !== char) return false;
    this.position += 1;
    return true;
  }

  /** An unsigned decimal of 1 or 2 ASCII digits, or `undefined` when none is here. */
  number(field: FieldSpec): number | undefined {
    let value: number | undefined;
    let digits = 0;
    for (let c = this.peek(); c !== undefined && c >= '0' && c <= '9'; c = this.peek()) {
      digits += 1;
      if (digits > 2) throw invalid(`${field.name} field: a number has more than 2 digits`);
      value = (value ?? 0) * 10 + (c.charCodeAt(0) - 48);
      this.position += 1;
    }
    return value;
  }
}

/** One field: a comma list of `*`, `a` or `a-b`, `*` and ranges optionally with a step `/n`. Returns the values it allows. */
function field(scanner: Scanner, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  const expectNumber = (what: string) => {
    const n = scanner.number(spec);
    if (n === undefined) throw invalid(`${spec.name} field: expected ${what}`);
    return n;
  };
  for (let items = 1; ; items += 1) {
    if (items > MAX_ITEMS) throw invalid(`${spec.name} field: must list at most ${MAX_ITEMS} items`);
    let from = spec.min;
    let to = spec.max;
    // A step follows `*` or a range, not a single number (`5/10` is refused, not guessed).
    let steppable = true;
    if (!scanner.take('*')) {
      from = expectNumber('a number or *');
      steppable = scanner.take('-');
      to = steppable ? expectNumber('a number after -') : from;
      if (from < spec.min || from > spec.max || to < spec.min || to > spec.max) {
        throw invalid(`${spec.name} field: values must be between ${spec.min} and ${spec.max}`);
      }
      if (from > to) throw invalid(`${spec.name} field: a range must not end before it starts`);
    }
    let step = 1;
    if (scanner.take('/')) {
      if (!steppable) throw invalid(`${spec.name} field: a step must follow * or a range`);
      step = expectNumber('a step after /');
      const size = spec.max - spec.min + 1;
      if (step < 1 || step > size) throw invalid(`${spec.name} field: a step must be between 1 and ${size}`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
    if (!scanner.take(',')) return values;
  }
}

const sorted = (values: Iterable<number>) => Object.freeze([...values].sort((a, b) => a - b));

/**
 * Parses a cron expression: five fields (minute 0–59, hour 0–23, day of month 1–31, month 1–12,
 * day of week 0–7 with 0 and 7 Sunday), separated by single spaces, in UTC. Each field is a comma
 * list of at most 20 items, each `*`, a number `a` or a range `a-b`, where `*` and a range may
 * take a step `/n` (numbers of 1 or 2 ASCII digits, a step from 1 to the field's size). When both
 * day fields are restricted, a day matches when either does (standard cron); a field is
 * unrestricted only when it is exactly `*` (so `*` with a step restricts: Vixie cron would
 * count it as `*`). No names (`MON`, `JAN`), no `?`, `L`, `W` or `#`.
 *
 * @throws ValidationError (path `cron`) for anything else, for more than 200 characters, and for
 *   a schedule that never fires (e.g. `0 0 31 2 *`, 31 February).
 */
export function parseCron(expression: string): CronSchedule {
  if (typeof expression !== 'string') throw invalid('must be a cron expression (text)');
  if (expression.length === 0) throw invalid('must not be empty');
  if (expression.length > MAX_LENGTH) throw invalid(`must be at most ${MAX_LENGTH} characters`);
  const scanner = new Scanner(expression);
  const sets: Set<number>[] = [];
  const starred: boolean[] = [];
  FIELDS.forEach((spec, i) => {
    if (i > 0 && !scanner.take(' ')) {
      throw invalid(scanner.peek() === undefined ? 'must have 5 fields separated by single spaces' : `${FIELDS[i - 1]!.name} field: unexpected character`);
    }
    const start = scanner.position;
    sets.push(field(scanner, spec));
    starred.push(scanner.position - start === 1 && expression[start] === '*');
  });
  if (scanner.peek() !== undefined) {
    throw invalid(scanner.peek() === ' ' ? 'must have exactly 5 fields separated by single spaces' : 'day-of-week field: unexpected character');
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  const schedule: CronSchedule = Object.freeze({
    expression,
    minutes: sorted(minutes),
    hours: sorted(hours),
    daysOfMonth: sorted(daysOfMonth),
    months: sorted(months),
    daysOfWeek: sorted(daysOfWeek),
    eitherDay: !starred[2] && !starred[4],
  });
  // Only a day-of-month restriction alone can make a schedule never fire: then some listed
  // month must have one of the listed days (29 February counts: leap years come).
  if (!schedule.eitherDay && !schedule.months.some((m) => (schedule.daysOfMonth[0] as number) <= (LONGEST_MONTH[m] as number))) {
    throw invalid('never fires: no listed month has any of the listed days');
  }
  return schedule;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) => (month === 2 && isLeap(year) ? 29 : month === 2 ? 28 : (LONGEST_MONTH[month] as number));

/** The UTC instant of a calendar minute (months 1–12), for any year (Date.UTC maps 0–99 to 19xx). */
function instant(year: number, month: number, day: number, hour: number, minute: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  return date.getTime();
}

/** A membership table of `values` over 0…`size - 1`. */
function table(values: readonly number[], size: number): boolean[] {
  const t = new Array<boolean>(size).fill(false);
  for (const v of values) t[v] = true;
  return t;
}

/**
 * The first minute strictly after `after` at which `schedule` fires (UTC, seconds 0). Skips
 * whole months, days and hours that cannot match, looking at most 8 years ahead (the longest
 * gap of a schedule {@link parseCron} accepts: 29 February across 2100).
 *
 * @throws ValidationError (path `after`) when `after` is not a valid Date or the next time is
 *   past the dates a Date can hold; (path `cron`) when `schedule` fires on no date in 8 years.
 */
export function nextCronTime(schedule: CronSchedule, after: Date): Date {
  if (!(after instanceof Date) || Number.isNaN(after.getTime())) throw new ValidationError([{ path: 'after', message: 'must be a valid Date' }]);
  const isList = (value: unknown) => Array.isArray(value) && value.every((n) => Number.isInteger(n));
  if (
    schedule === null ||
    typeof schedule !== 'object' ||
    ![schedule.minutes, schedule.hours, schedule.daysOfMonth, schedule.months, schedule.daysOfWeek].every(isList)
  ) {
    throw new ValidationError([{ path: 'schedule', message: 'must be a schedule from parseCron' }]);
  }
  const minuteOk = table(schedule.minutes, 60);
  const hourOk = table(schedule.hours, 24);
  const domOk = table(schedule.daysOfMonth, 32);
  const monthOk = table(schedule.months, 13);
  const dowOk = table(schedule.daysOfWeek, 7);
  const dayOk = (year: number, month: number, day: number) => {
    const dom = domOk[day] === true;
    const dow = dowOk[new Date(instant(year, month, day, 0, 0)).getUTCDay()] === true;
    return schedule.eitherDay ? dom || dow : dom && dow;
  };

  const start = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  if (Number.isNaN(start.getTime())) throw new ValidationError([{ path: 'after', message: 'has no next minute a Date can hold' }]);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  let hour = start.getUTCHours();
  let minute = start.getUTCMinutes();
  const lastYear = year + SEARCH_YEARS;
  const nextMonth = () => {
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    day = 1;
    hour = 0;
    minute = 0;
  };
  const nextDay = () => {
    day += 1;
    hour = 0;
    minute = 0;
    if (day > daysIn(year, month)) nextMonth();
  };
  while (year <= lastYear) {
    if (!monthOk[month]) {
      nextMonth();
    } else if (!dayOk(year, month, day)) {
      nextDay();
    } else if (!hourOk[hour]) {
      hour += 1;
      minute = 0;
      if (hour > 23) nextDay();
    } else {
      while (minute < 60 && !minuteOk[minute]) minute += 1;
      if (minute < 60) {
        const time = instant(year, month, day, hour, minute);
        if (Number.isNaN(time)) throw new ValidationError([{ path: 'after', message: 'has no next time a Date can hold' }]);
        return new Date(time);
      }
      hour += 1;
      minute = 0;
      if (hour > 23) nextDay();
    }
  }
  throw invalid(`fires on no date within ${SEARCH_YEARS} years`);
}

/**
 * A cron expression in an input schema: validated by {@link parseCron} (its issues at the
 * field's path), the string kept as the output.
 */
export const CronScheduleSchema = z.string().superRefine((expression, ctx) => {
    try {
      parseCron(expression);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const issue of error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    }
  });
