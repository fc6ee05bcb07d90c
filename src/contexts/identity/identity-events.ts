// The identity context's domain events: each type declared once with the zod schema of its
// payload per version (zod only: these are the contracts consumers parse with, through
// `@org/data/schemas`). The statements that emit them build the payloads in SQL with exactly
// these fields; a contract test parses every emitted payload with its schema.
import { z } from 'zod';
import { UuidSchema } from '../../core/kernel/common-schemas.js';
import { defineEventType } from '../../core/events/event-type.js';

/** An instant in a payload: ISO 8601 in UTC with milliseconds, e.g. `2026-12-02T07:30:00.000Z`. */
const Instant = z.iso.datetime();

/** `user.registered` v1: the new user, their organization, email and the roles granted. */
export const UserRegisteredPayloadV1 = z
  .object({ userId: UuidSchema, organizationId: UuidSchema, email: z.string(), roles: z.array(z.string()) })
  .strict();

/** `staff_profile.submitted` v1: the profile (by its user), its new version and when. */
export const StaffProfileSubmittedPayloadV1 = z
  .object({ userId: UuidSchema, organizationId: UuidSchema, version: z.int().min(1), submittedAt: Instant })
  .strict();

/** `staff_profile.verified` v1: who verified it, when, and until when the verification holds. */
export const StaffProfileVerifiedPayloadV1 = z
  .object({
    userId: UuidSchema,
    organizationId: UuidSchema,
    version: z.int().min(1),
    verifiedByUserId: UuidSchema,
    verifiedAt: Instant,
    expiresAt: Instant.nullable(),
  })
  .strict();

/** `staff_profile.rejected` v1: who rejected it and why. */
export const StaffProfileRejectedPayloadV1 = z
  .object({
    userId: UuidSchema,
    organizationId: UuidSchema,
    version: z.int().min(1),
    rejectedByUserId: UuidSchema,
    reason: z.string(),
  })
  .strict();

/** A user was registered. */
export const userRegistered = defineEventType({
  code: 'user.registered',
  aggregateType: 'user',
  description: 'A user was registered in an organization, with a profile and the default role.',
  version: 1,
  payload: UserRegisteredPayloadV1,
});

/** A staff profile was submitted for verification. */
export const staffProfileSubmitted = defineEventType({
  code: 'staff_profile.submitted',
  aggregateType: 'staff_profile',
  description: 'A staff profile was submitted for verification.',
  version: 1,
  payload: StaffProfileSubmittedPayloadV1,
});

/** A staff profile was verified. */
export const staffProfileVerified = defineEventType({
  code: 'staff_profile.verified',
  aggregateType: 'staff_profile',
  description: 'A staff profile was verified by a verifier.',
  version: 1,
  payload: StaffProfileVerifiedPayloadV1,
});

/** A staff profile was rejected. */
export const staffProfileRejected = defineEventType({
  code: 'staff_profile.rejected',
  aggregateType: 'staff_profile',
  description: 'A staff profile was rejected by a verifier, with a reason.',
  version: 1,
  payload: StaffProfileRejectedPayloadV1,
});

/** Every event type of the identity context. */
export const IDENTITY_EVENT_TYPES = Object.freeze([userRegistered, staffProfileSubmitted, staffProfileVerified, staffProfileRejected] as const);
