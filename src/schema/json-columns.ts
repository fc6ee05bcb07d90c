// The documents stored in jsonb columns, typed for the generated `DB` (kysely-codegen
// `--overrides` in scripts/codegen.ts point here). This folder is the bottom layer: it imports
// nothing else of the package. The zod schemas that validate these documents live with their
// aggregates; type tests (test/types) prove each schema's output is exactly its type here.

/** A metadata document of clients and documents: a JSON object (validated by `MetadataSchema`). */
export type Metadata = Record<string, unknown>;

/** An audit snapshot: the whitelisted fields of an entity, dates as ISO strings. */
export type AuditSnapshot = Readonly<Record<string, unknown>>;

/** A domain event's payload: a JSON object, validated by the zod schema of its type and version. */
export type EventPayload = Readonly<Record<string, unknown>>;

/** A form version's definition (`form_versions.definition`), validated by `FormDefinitionSchema`. */
export type FormDefinitionDocument = Readonly<Record<string, unknown>>;

/** The `organizations.settings` document (validated by `OrganizationSettingsSchema`). */
export interface OrganizationSettings {
  /** Default locale for new users' profiles. */
  defaultLocale?: string | undefined;
  /** Default time zone for new users' profiles. */
  defaultTimeZone?: string | undefined;
  /** Branding of the organization's pages. */
  branding?: { primaryColor?: string | undefined; logoUrl?: string | undefined } | undefined;
  /** Security policy. */
  security?: { mfaRequired?: boolean | undefined; sessionTimeoutMinutes?: number | undefined } | undefined;
  /** Staff-profile verification policy. */
  verification?: { validityDays?: number | undefined } | undefined;
}
