/** The role every registered user receives. Created by `seedDefaults`. */
export const DEFAULT_USER_ROLE = 'user';

/** The role that holds every permission. Created by `seedDefaults`. */
export const ADMIN_ROLE = 'admin';

/** What a `NotFoundError` for a missing default role tells the caller to run. */
export const SEED_DEFAULTS_HINT =
  "the default roles are not seeded: run seedDefaults(db) (from '@org/data' or '@org/data/identity') or `org-data seed` once, as the owner";
