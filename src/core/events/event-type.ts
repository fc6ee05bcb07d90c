// A domain event type declared once, as data: its code, the aggregate it is about, what it
// means, and the zod schema of its payload for every version. Imports zod only, so the payload
// contracts reach consumers through `@org/data/schemas` without pg or kysely.
import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';

/** The shape of an event type's code: `<aggregate>.<past-tense verb>`, e.g. `staff_profile.verified`. */
const EVENT_TYPE_CODE_PATTERN = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

/** A domain event type; made by {@link defineEventType}. */
export interface EventTypeDescriptor<C extends string = string, P extends object = object> {
  /** The code, as in `event_types.code` and `domain_events.event_type_code`. */
  readonly code: C;
  /** The aggregate the event is about (`domain_events.aggregate_type`), an aggregate's name. */
  readonly aggregateType: string;
  /** What happened, as seeded in `event_types.description`. */
  readonly description: string;
  /** The payload version new events are written with (the highest key of {@link EventTypeDescriptor.payloads}). */
  readonly version: number;
  /** The payload schema of every version, by version: receivers parse what they get with `payloads[event.payloadVersion]`. */
  readonly payloads: Readonly<Record<number, z.ZodType<object>>>;
  /** The schema of the current version's payload. */
  readonly payload: z.ZodType<P>;
}

/**
 * Declares an event type: `payload` is the zod schema of the current payload version
 * `version`; `earlierPayloads` keeps the schemas of the versions before it, for receivers of
 * older events.
 *
 * @throws ValidationError when the declaration does not have that shape.
 *
 * @example
 * export const documentDeleted = defineEventType({
 *   code: 'document.deleted', aggregateType: 'document', description: 'A document was soft-deleted.',
 *   version: 1, payload: DocumentDeletedPayloadV1,
 * });
 */
export function defineEventType<C extends string, S extends z.ZodType<object>>(spec: {
  readonly code: C;
  readonly aggregateType: string;
  readonly description: string;
  readonly version: number;
  readonly payload: S;
  readonly earlierPayloads?: Readonly<Record<number, z.ZodType<object>>>;
}): EventTypeDescriptor<C, z.output<S>> {
  if (spec === null || typeof spec !== 'object') throw new ValidationError([{ path: 'spec', message: 'must be an event type declaration' }]);
  const earlier = spec.earlierPayloads ?? {};
  const isSchema = (value: unknown) => value !== null && typeof value === 'object' && typeof (value as z.ZodType).safeParse === 'function';
  const ok =
    typeof spec.code === 'string' &&
    EVENT_TYPE_CODE_PATTERN.test(spec.code) &&
    typeof spec.aggregateType === 'string' &&
    typeof spec.description === 'string' &&
    isSchema(spec.payload) &&
    earlier !== null &&
    typeof earlier === 'object' &&
    Object.values(earlier).every(isSchema) &&
    Number.isInteger(spec.version) &&
    spec.version >= 1 &&
    Object.keys(earlier).every((v) => Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) < spec.version);
  if (!ok) {
    throw new ValidationError([
      { path: 'spec', message: 'must have a code like `aggregate.happened`, an aggregate type, a description, a version ≥ 1, a payload schema and earlier versions below it' },
    ]);
  }
  return Object.freeze({
    code: spec.code,
    aggregateType: spec.aggregateType,
    description: spec.description,
    version: spec.version,
    payloads: Object.freeze({ ...earlier, [spec.version]: spec.payload }),
    payload: spec.payload as unknown as z.ZodType<z.output<S>>,
  });
}
