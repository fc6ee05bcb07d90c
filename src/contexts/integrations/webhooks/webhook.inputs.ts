// Input schemas of webhooks: zod only.
import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATES } from './webhook-delivery-machine.js';

/** An https URL without credentials, at most 2,048 characters (the CHECK webhooks_url_format, in zod). */
const WEBHOOK_URL_SHAPE = /^https:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/;

/** A webhook's endpoint: https, no user name or password, at most 2,048 characters. */
export const WebhookUrlSchema = z
  .string()
  .max(2048)
  .regex(WEBHOOK_URL_SHAPE, 'must be an https URL without credentials')
  .refine((value) => URL.canParse(value), 'must be a valid URL');

/** An event type code, e.g. `user.registered`. */
const EventTypeCodeSchema = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/, 'must be an event type code');

const DescriptionSchema = z
  .string()
  .max(500)
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL');

/** Input of `webhooks.create`. */
export const CreateWebhookInputSchema = z
  .object({
    /** The https endpoint. */
    url: WebhookUrlSchema,
    /** What it is for, at most 500 characters. */
    description: DescriptionSchema.optional(),
    /** The event types it receives (1–100 codes of `event_types`). */
    eventTypes: z.array(EventTypeCodeSchema).min(1).max(100),
  })
  .strict();

/** Input of `webhooks.create`. */
export type CreateWebhookInput = z.input<typeof CreateWebhookInputSchema>;

/** Input of `webhooks.update`: what changes (at least one field); `description: null` removes it. */
export const UpdateWebhookInputSchema = z
  .object({
    url: WebhookUrlSchema.optional(),
    description: DescriptionSchema.nullable().optional(),
    eventTypes: z.array(EventTypeCodeSchema).min(1).max(100).optional(),
  })
  .strict()
  .refine((value) => Object.values(value).some((v) => v !== undefined), 'must change something');

/** Input of `webhooks.update`. */
export type UpdateWebhookInput = z.input<typeof UpdateWebhookInputSchema>;

/** Options of `webhooks.rotateSecret`. */
export const RotateWebhookSecretOptionsSchema = z
  .object({
    /** How long the previous secret also signs, in seconds: 0 (not at all) to 7 days. (Default: 86,400, a day) */
    overlapSeconds: z.int().min(0).max(604_800).optional(),
  })
  .strict();

/** Options of `webhooks.rotateSecret`. */
export type RotateWebhookSecretOptions = z.input<typeof RotateWebhookSecretOptionsSchema>;

/** Options of `webhooks.listDeliveries`. */
export const ListWebhookDeliveriesOptionsSchema = z
  .object({
    /** Only deliveries in this state. */
    status: z.enum(WEBHOOK_DELIVERY_STATES).optional(),
    /** At most this many, newest first (1–500). (Default: 50) */
    limit: z.int().min(1).max(500).optional(),
  })
  .strict();

/** Options of `webhooks.listDeliveries`. */
export type ListWebhookDeliveriesOptions = z.input<typeof ListWebhookDeliveriesOptionsSchema>;
