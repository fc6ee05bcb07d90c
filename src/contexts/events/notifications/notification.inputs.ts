import { z } from 'zod';
import { PgTextSchema, TimestampSchema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { MetadataSchema } from '../../../core/kernel/metadata.js';

/** Priorities of a notification, lowest first. */
export const NOTIFICATION_PRIORITIES = Object.freeze(['low', 'normal', 'high', 'urgent'] as const);

/** A notification's priority. */
export type NotificationPriority = (typeof NOTIFICATION_PRIORITIES)[number];

/** What a notification is about: `<aggregate>.<happened>`, like an event type. */
export const NotificationTypeSchema = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/, 'must look like staff_profile.verified');

/** The input of `notifications.create`. */
export const CreateNotificationInputSchema = z.strictObject({
  userId: UuidSchema,
  type: NotificationTypeSchema,
  title: z.string().trim().min(1).max(200).pipe(PgTextSchema),
  message: z.string().max(2000).pipe(PgTextSchema),
  data: MetadataSchema.optional(),
  priority: z.enum(NOTIFICATION_PRIORITIES).optional(),
  expiresAt: TimestampSchema.optional(),
  sourceEventId: UuidSchema.optional(),
});

/** The input of `notifications.create`; see {@link CreateNotificationInputSchema}. */
export type CreateNotificationInput = z.input<typeof CreateNotificationInputSchema>;
