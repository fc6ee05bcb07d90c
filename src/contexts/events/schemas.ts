// The events context's input schemas: zod only (no pg, no kysely), for `@org/data/schemas`.

export {
  NotificationTypeSchema,
  CreateNotificationInputSchema,
  type CreateNotificationInput,
} from './notifications/notification.inputs.js';
