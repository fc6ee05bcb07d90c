import { sql } from 'kysely';
import type { TimestampFieldSet } from '../../../core/audit/audit-sql.js';
import { defineAggregate } from '../../../core/kernel/aggregate.js';

/** A user: the narrow identity row. Profile data lives in {@link UserProfile}. */
export interface User {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant) the user belongs to. */
  readonly organizationId: string;
  /** The identity provider's subject (e.g. Cognito `sub`). */
  readonly authSubject: string;
  /** Email as given; unique per organization, case-insensitively. */
  readonly email: string;
  /** `false` after `deactivate`: the user keeps roles but holds no permissions. */
  readonly isActive: boolean;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed (kept by the database). */
  readonly updatedAt: Date;
  /** When it was soft-deleted; `null` while live. */
  readonly deletedAt: Date | null;
}

/** A user's profile (1:1 with the user). */
export interface UserProfile {
  /** The user (1:1). */
  readonly userId: string;
  /** The user's organization. */
  readonly organizationId: string;
  /** Full name, 1–200 characters. */
  readonly fullName: string;
  /** `YYYY-MM-DD`, or `null` when unknown. */
  readonly birthdate: string | null;
  /** BCP 47 locale tag, e.g. `vi-VN`. */
  readonly locale: string;
  /** IANA time zone, e.g. `Asia/Ho_Chi_Minh`. */
  readonly timeZone: string;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed (kept by the database). */
  readonly updatedAt: Date;
}

/** The timestamps of a user (audit snapshots built in SQL write them as `toISOString()` does). */
export const USER_TIMESTAMPS = Object.freeze({
  createdAt: true,
  updatedAt: true,
  deletedAt: true,
} as const satisfies TimestampFieldSet<User>);

/** The timestamps of a user profile. */
export const USER_PROFILE_TIMESTAMPS = Object.freeze({
  createdAt: true,
  updatedAt: true,
} as const satisfies TimestampFieldSet<UserProfile>);

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

/** The user aggregate (the narrow identity row). */
export const userAggregate = defineAggregate<User>()({
  name: 'user',
  table: 'users',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    authSubject: 'auth_subject',
    email: 'email',
    isActive: 'is_active',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
    deletedAt: 'deleted_at',
  },
  audited: ['id', 'organizationId', 'authSubject', 'email', 'isActive', 'deletedAt'],
  actions: ['register', 'deactivate', 'reactivate', 'delete'],
});

/** A user's profile, part of the user aggregate (its audit rows are its own). Birthdates are never audited. */
export const userProfileAggregate = defineAggregate<UserProfile>()({
  name: 'user_profile',
  table: 'user_profiles',
  tenantColumn: 'organization_id',
  columns: {
    userId: 'user_id',
    organizationId: 'organization_id',
    fullName: 'full_name',
    birthdate: 'birthdate',
    locale: 'locale',
    timeZone: 'time_zone',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['userId', 'fullName', 'locale', 'timeZone'],
  actions: ['create', 'update'],
});
