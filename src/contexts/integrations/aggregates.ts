import { apiKeyAggregate, apiKeyPermissionTable } from './api-keys/api-key.js';
import { encryptionKeyAggregate } from './encryption-keys/encryption-key.js';
import { webhookAggregate, webhookDeliveryAggregate, webhookEventTypeTable } from './webhooks/webhook.js';

/** Every aggregate of the integrations context, declared once each. */
export const INTEGRATIONS_AGGREGATES = Object.freeze([
  encryptionKeyAggregate,
  apiKeyAggregate,
  apiKeyPermissionTable,
  webhookAggregate,
  webhookEventTypeTable,
  webhookDeliveryAggregate,
] as const);
