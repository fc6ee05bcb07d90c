// @org/data/schemas: the zod input schemas alone, for front ends and API layers. Importing it loads
// zod and nothing else (no pg, no kysely: test/public/schemas-isolation.test.ts). Each context
// lists its own schemas in its schemas.ts.

export { parseInput } from './core/kernel/parse-input.js';
export {
  UuidSchema,
  EmailSchema,
  LocaleSchema,
  TimeZoneSchema,
  BirthdateSchema,
} from './core/kernel/common-schemas.js';
export { MetadataSchema, MAX_METADATA_BYTES, type Metadata } from './core/kernel/metadata.js';
export * from './contexts/identity/schemas.js';
export * from './contexts/documents/schemas.js';
export * from './contexts/events/schemas.js';
export * from './contexts/integrations/schemas.js';
export * from './contexts/forms/schemas.js';
export * from './contexts/workflows/schemas.js';
