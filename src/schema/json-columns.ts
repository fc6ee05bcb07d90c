// The documents stored in jsonb columns, typed for the generated `DB` (kysely-codegen
// `--overrides` in scripts/codegen.ts point here). Each type is defined once, where it is
// validated, and only re-exported here (type-only: nothing is loaded at run time).

export type { OrganizationSettings } from '../contexts/identity/organizations/organization.inputs.js';
export type { Metadata } from '../core/kernel/metadata.js';
export type { AuditSnapshot } from '../core/audit/audit-event.js';
