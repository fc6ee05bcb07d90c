// Lookup policies: the narrow ways the application role may read a row before it knows the
// tenant. Each shows, for SELECT only, the rows whose key equals a transaction-local setting the
// caller sets to a value it already holds (an identity-provider subject), and clears after the
// read. Declared here, once, for the catalog test and `org-data doctor`, which refuse any other
// permissive policy on a tenant table.

/** The setting `resolveAuthSubject` reads the subject from. */
export const AUTH_SUBJECT_LOOKUP_SETTING = 'app.auth_subject_lookup';

/** The setting `apiKeys.resolve` reads the secret's keyed hash from (hex). */
export const API_KEY_LOOKUP_SETTING = 'app.api_key_lookup';

const API_KEY_MATCH = `(secret_hash = decode(NULLIF(current_setting('${API_KEY_LOOKUP_SETTING}'::text, true), ''::text), 'hex'::text))`;

/** A lookup policy as `pg_policies` shows it: command, role, USING. */
interface LookupPolicy {
  readonly command: 'SELECT';
  readonly role: string;
  readonly using: string;
}

/** The lookup policies by table and name. */
const LOOKUP_POLICIES: Readonly<Record<string, Readonly<Record<string, LookupPolicy>>>> = Object.freeze({
  users: {
    user_auth_subject_lookup: {
      command: 'SELECT',
      role: 'org_data_app',
      using: `(auth_subject = NULLIF(current_setting('${AUTH_SUBJECT_LOOKUP_SETTING}'::text, true), ''::text))`,
    },
  },
  api_keys: {
    api_key_lookup: { command: 'SELECT', role: 'org_data_app', using: API_KEY_MATCH },
  },
  api_key_permissions: {
    api_key_permission_lookup: {
      command: 'SELECT',
      role: 'org_data_app',
      using: `(api_key_id IN ( SELECT k.id\n   FROM api_keys k\n  WHERE (k.${API_KEY_MATCH.slice(1)}))`,
    },
  },
});

/** Whether `policy` (a row of `pg_policies`) is the declared lookup policy `name` of `table`. */
export function isLookupPolicy(
  table: string,
  policy: { readonly name: string; readonly permissive: string; readonly cmd: string; readonly roles: readonly string[]; readonly qual: string | null; readonly withCheck: string | null },
): boolean {
  const declared = LOOKUP_POLICIES[table]?.[policy.name];
  return (
    declared !== undefined &&
    policy.permissive === 'PERMISSIVE' &&
    policy.cmd === declared.command &&
    policy.roles.join() === declared.role &&
    policy.qual === declared.using &&
    policy.withCheck === null
  );
}
