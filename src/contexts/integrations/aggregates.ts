import { apiKeyAggregate, apiKeyPermissionTable } from './api-keys/api-key.js';
import { encryptionKeyAggregate } from './encryption-keys/encryption-key.js';

/** Every aggregate of the integrations context, declared once each. */
export const INTEGRATIONS_AGGREGATES = Object.freeze([encryptionKeyAggregate, apiKeyAggregate, apiKeyPermissionTable] as const);
