import { sql } from 'kysely';

/** A user: the narrow identity row. Profile data lives in {@link UserProfile}. */
export interface User {
  readonly id: string;
  readonly organizationId: string;
  /** The identity provider's subject (e.g. Cognito `sub`). */
  readonly authSubject: string;
  readonly email: string;
  readonly isActive: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

/** A user's profile (1:1 with the user). */
export interface UserProfile {
  readonly userId: string;
  readonly organizationId: string;
  readonly fullName: string;
  /** `YYYY-MM-DD`, or `null` when unknown. */
  readonly birthdate: string | null;
  readonly locale: string;
  readonly timeZone: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The select list that maps a `users` row to a {@link User}. */
export const userColumns = [
  'users.id',
  'users.organization_id as organizationId',
  'users.auth_subject as authSubject',
  'users.email',
  'users.is_active as isActive',
  'users.created_at as createdAt',
  'users.updated_at as updatedAt',
  'users.deleted_at as deletedAt',
] as const;

/** The select list that maps a `user_profiles` row to a {@link UserProfile}. */
export const userProfileColumns = [
  'user_profiles.user_id as userId',
  'user_profiles.organization_id as organizationId',
  'user_profiles.full_name as fullName',
  // Cast so the value is `YYYY-MM-DD` whatever date parser the caller's pool uses.
  sql<string | null>`user_profiles.birthdate::text`.as('birthdate'),
  'user_profiles.locale',
  'user_profiles.time_zone as timeZone',
  'user_profiles.created_at as createdAt',
  'user_profiles.updated_at as updatedAt',
] as const;
