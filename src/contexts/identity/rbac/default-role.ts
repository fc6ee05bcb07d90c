/** The role every registered user receives. Created by `seedDefaults`. */
export const DEFAULT_USER_ROLE = 'user';

/** The role that holds every permission. Created by `seedDefaults`. */
export const ADMIN_ROLE = 'admin';
