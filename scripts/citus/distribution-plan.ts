// How the schema distributes on Citus (docs/scaling.md): the shard key, which tables are
// distributed by it, which are reference tables (copied to every node) and which stay on the
// coordinator, the justified exceptions to the lint's rules, and how each trigger behaves.
// `npm run lint:citus` fails when the schema and this plan disagree.

/** The distribution column of every distributed table. */
export const SHARD_KEY = 'organization_id';

/**
 * How a trigger function behaves on Citus, where triggers run on each shard placement:
 * - `row`: reads and writes only the row it fires for (NEW/OLD), or raises; the same on a shard.
 * - `same-tenant`: also reads or updates rows of colocated tables, always filtered by the row's
 *   own organization_id, so each of its queries goes to the one shard of that organization
 *   (the lint checks that every statement naming a table filters by organization_id).
 */
type TriggerBehaviour = 'row' | 'same-tenant';

/** A trigger function of the schema: what it does and why it is safe on Citus. */
interface TriggerFunctionPlan {
  readonly behaviour: TriggerBehaviour;
  readonly does: string;
}

/** The plan the lint checks the schema against. */
export interface DistributionPlan {
  /** Tables distributed by {@link SHARD_KEY}, colocated; the value says what the table holds. */
  readonly distributed: Readonly<Record<string, string>>;
  /** Reference tables: small, global, copied to every node; why each is one. */
  readonly reference: Readonly<Record<string, string>>;
  /** Tables that stay on the coordinator only; why. */
  readonly local: Readonly<Record<string, string>>;
  /** `table.key` (a constraint or unique index) the lint accepts without the shard key: why, and what it becomes on Citus. */
  readonly exceptions: Readonly<Record<string, string>>;
  /**
   * Findings not fixed yet, `table.object` → why and when: reported, not failed. The lint fails
   * when one no longer occurs (remove it), so the list only shrinks. Issue 15 is done when it is empty.
   */
  readonly pending: Readonly<Record<string, string>>;
  /** Every trigger function used on a distributed or reference table. */
  readonly triggerFunctions: Readonly<Record<string, TriggerFunctionPlan>>;
}

const TENANT = 'tenant data, distributed by organization_id and colocated with every other tenant table';

export const DISTRIBUTION: DistributionPlan = {
  distributed: {
    users: TENANT,
    user_profiles: TENANT,
    user_roles: TENANT,
    user_staff_profiles: TENANT,
    units: TENANT,
    clients: TENANT,
    documents: TENANT,
    document_versions: TENANT,
    audit_logs: `${TENANT} (monthly partitions: a distributed partitioned table)`,
    domain_events: `${TENANT} (monthly partitions)`,
    outbox_messages: TENANT,
    event_deliveries: TENANT,
    notifications: TENANT,
    encryption_keys: TENANT,
    api_keys: TENANT,
    api_key_permissions: TENANT,
    webhooks: TENANT,
    webhook_event_types: TENANT,
    webhook_deliveries: TENANT,
    teams: TENANT,
    team_members: TENANT,
    forms: TENANT,
    form_versions: TENANT,
    form_collaborators: TENANT,
    submissions: TENANT,
    submission_attachments: TENANT,
    workflows: TENANT,
    workflow_versions: TENANT,
    workflow_triggers: TENANT,
    workflow_executions: TENANT,
    workflow_execution_steps: TENANT,
  },
  reference: {
    organizations:
      'the tenants themselves: one row per organization, read by every tenant table\'s foreign key; global unique slug',
    roles: 'global role catalogue (seeded); user_roles, api keys and collaborators reference it',
    permissions: 'global permission catalogue (seeded)',
    role_permissions: 'which permission each role grants: global, joined by every permission check',
    academic_titles: 'a small global vocabulary',
    event_types: 'the event type catalogue: global, referenced by events, subscriptions and webhooks',
    event_subscriptions: 'which consumers take which event types: global configuration of the worker',
  },
  local: {
    org_data_migrations: 'the migration runner\'s own record: coordinator only (run migrations against the coordinator)',
  },
  exceptions: {
    'api_keys.api_keys_secret_hash_key':
      'global by design: authentication finds a key (and so its organization) from the secret alone. On Citus: a reference table api_key_lookups (secret_hash unique → organization_id, api_key_id), written with the key, and this key then includes organization_id',
    'users.users_auth_subject_key':
      'global by design: sign-in resolves the identity provider\'s subject before any organization is known. On Citus: a reference table user_identities (auth_subject unique → organization_id, user_id), the same way',
    'document_versions.document_versions_storage_key_key':
      'global by design: two organizations must never share one stored object. On Citus: storage keys carry the organization id as their prefix (CHECK), and this key becomes (storage_key, organization_id)',
    'submission_attachments.submission_attachments_storage_key_key':
      'global by design, as document_versions_storage_key_key, with the same plan',
    'user_roles.user_roles_pkey':
      'expand/contract across releases: 0.11.0 grants roles with ON CONFLICT (user_id, role_id), which needs a key of exactly those columns, and services on 0.11 must keep working on this schema. 0.12 names the key instead (ON CONFLICT ON CONSTRAINT user_roles_pkey), so the first release after every service runs 0.12 or later moves the key to (user_id, role_id, organization_id) the way 20261211091000 moved the others. It must happen before create_distributed_table (docs/scaling.md, phase 2); a user belongs to one organization, so the key is exactly as unique either way',
    'user_staff_profiles.user_staff_profiles_employee_id_key':
      'an employee id is unique across organizations today; keeping that on Citus needs a reference lookup as above, making it per organization weakens a guarantee services may rely on: the owners decide before the move',
  },
  pending: {},
  triggerFunctions: {
    set_updated_at: { behaviour: 'row', does: 'sets NEW.updated_at = now() before an update' },
    audit_logs_reject_change: { behaviour: 'row', does: 'raises on UPDATE, DELETE and TRUNCATE of audit rows (append-only)' },
    org_data_audit_platform_row: {
      behaviour: 'row',
      does: 'gives an audit row written with organization_id NULL (by 0.11) the platform marker; on Citus the row must carry it already (rows are routed before triggers run): 0.12 writes it, and the trigger goes once no service runs 0.11',
    },
    document_versions_reject_change: { behaviour: 'row', does: 'raises on UPDATE, DELETE and TRUNCATE of document versions (immutable)' },
    org_data_reject_change: { behaviour: 'row', does: 'raises on UPDATE, DELETE and TRUNCATE of domain events (append-only)' },
    org_data_form_version_immutable: { behaviour: 'row', does: 'raises when a published form version would change (compares OLD and NEW)' },
    org_data_workflow_version_immutable: { behaviour: 'row', does: 'raises when a published workflow version would change' },
    org_data_workflow_step_append_only: { behaviour: 'row', does: 'raises when a finished step would change (the history is append-only)' },
    org_data_form_version_contiguous: { behaviour: 'same-tenant', does: 'moves forms.latest_version to the new version or raises (numbers without gaps)' },
    org_data_workflow_version_contiguous: { behaviour: 'same-tenant', does: 'the same for workflows' },
    org_data_form_published_version: { behaviour: 'same-tenant', does: 'checks that forms.published_version names a published version (constraint trigger)' },
    org_data_workflow_published_version: { behaviour: 'same-tenant', does: 'the same for workflows' },
    org_data_submission_version_published: { behaviour: 'same-tenant', does: 'refuses a submission bound to an unpublished form version' },
    org_data_submission_attachments_clean: { behaviour: 'same-tenant', does: 'refuses to submit while an attachment is not scanned clean' },
    org_data_submission_attachment_rules: { behaviour: 'same-tenant', does: 'attachments change only while their submission is a draft (locks the submission row)' },
    org_data_keep_team_owner: { behaviour: 'same-tenant', does: 'a team keeps at least one owner (locks the team row; deferred)' },
    org_data_team_has_owner: { behaviour: 'same-tenant', does: 'a live team has an owner (deferred constraint trigger)' },
  },
};
