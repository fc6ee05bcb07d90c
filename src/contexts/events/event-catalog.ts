// The catalogue of domain event types of every context, and what is derived from it.
import type { z } from 'zod';
import { ValidationError } from '../../core/errors/validation-error.js';
import type { EventTypeDescriptor } from '../../core/events/event-type.js';
import { DOCUMENT_EVENT_TYPES } from '../documents/index.js';
import { IDENTITY_EVENT_TYPES } from '../identity/index.js';
import { INTEGRATION_EVENT_TYPES } from '../integrations/index.js';
import { FORM_EVENT_TYPES } from '../forms/index.js';
import { WORKFLOW_EVENT_TYPES } from '../workflows/index.js';

/** Every domain event type the package emits (the rows the migrations seed into `event_types`). */
export const EVENT_TYPES = Object.freeze([...IDENTITY_EVENT_TYPES, ...DOCUMENT_EVENT_TYPES, ...INTEGRATION_EVENT_TYPES, ...FORM_EVENT_TYPES, ...WORKFLOW_EVENT_TYPES] as const);

/** The code of an event type the package emits, e.g. `staff_profile.verified`. */
export type EventTypeCode = (typeof EVENT_TYPES)[number]['code'];

const BY_CODE: ReadonlyMap<string, EventTypeDescriptor> = new Map(EVENT_TYPES.map((type) => [type.code, type]));

/**
 * The payload schema of event type `code` at `payloadVersion`: what a receiver parses an
 * event's payload with.
 *
 * @throws ValidationError for a type or version the package does not know.
 */
export function eventPayloadSchema(code: string, payloadVersion: number): z.ZodType<object> {
  const type = typeof code === 'string' ? BY_CODE.get(code) : undefined;
  if (!type) throw new ValidationError([{ path: 'code', message: 'is not an event type of this package' }]);
  const schema = Number.isInteger(payloadVersion) ? type.payloads[payloadVersion] : undefined;
  if (!schema) throw new ValidationError([{ path: 'payloadVersion', message: `is not a version of ${type.code}` }]);
  return schema;
}
