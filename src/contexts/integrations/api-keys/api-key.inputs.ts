// Input schemas of API keys: zod only.
import { z } from 'zod';

/** The environments a key is for, as its prefix shows: `pk_live_…`, `pk_test_…`. */
export const API_KEY_ENVIRONMENTS = Object.freeze(['live', 'test'] as const);

/** Input of `apiKeys.create`. */
export const CreateApiKeyInputSchema = z
  .object({
    /** What the key is for, 1–100 characters. */
    name: z.string().max(100).regex(/\S/, 'must not be blank'),
    /** `live` (default) or `test`. */
    environment: z.enum(API_KEY_ENVIRONMENTS).optional(),
    /** The permissions it carries (1–50 names of `permissions`), each held by its creator. */
    permissions: z.array(z.string().min(1).max(100)).min(1).max(50),
    /** When it stops working (in the future); absent: never. */
    expiresAt: z.date().optional(),
  })
  .strict();

/** Input of `apiKeys.create`. */
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInputSchema>;
