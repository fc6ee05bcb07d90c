import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { TeamRole } from './team.inputs.js';

/** A team: a named group of an organization's users that work is assigned to and shared with. */
export interface Team {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** Unique among the organization's live teams, e.g. `claims-review`. */
  readonly slug: string;
  /** Display name. */
  readonly name: string;
  /** What the team does; `null`: none given. */
  readonly description: string | null;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it or its members last changed. */
  readonly updatedAt: Date;
}

/** A member of a team with their role in it. */
export interface TeamMember {
  /** The organization. */
  readonly organizationId: string;
  /** The team. */
  readonly teamId: string;
  /** The user (of the same organization). */
  readonly userId: string;
  /** `owner` (at least one per live team), `admin`, `member` or `viewer`. */
  readonly role: TeamRole;
  /** When they joined. */
  readonly createdAt: Date;
  /** When their role last changed. */
  readonly updatedAt: Date;
}

/** The select list that maps a `teams` row to a {@link Team}. */
export const teamColumns = [
  'teams.id',
  'teams.organization_id as organizationId',
  'teams.slug',
  'teams.name',
  'teams.description',
  'teams.created_at as createdAt',
  'teams.updated_at as updatedAt',
] as const;

/** The select list that maps a `team_members` row to a {@link TeamMember}. */
export const teamMemberColumns = [
  'team_members.organization_id as organizationId',
  'team_members.team_id as teamId',
  'team_members.user_id as userId',
  'team_members.role',
  'team_members.created_at as createdAt',
  'team_members.updated_at as updatedAt',
] as const;

/** Teams of an organization: made (with their first owner) and deleted (soft), audited. */
export const teamAggregate = defineAggregate<Team>()({
  name: 'team',
  table: 'teams',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    slug: 'slug',
    name: 'name',
    description: 'description',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'organizationId', 'slug', 'name', 'description'],
  actions: ['create', 'delete'],
});

/** Team memberships: added, their role changed, removed; audited. */
export const teamMemberAggregate = defineAggregate<TeamMember>()({
  name: 'team_member',
  table: 'team_members',
  tenantColumn: 'organization_id',
  columns: {
    organizationId: 'organization_id',
    teamId: 'team_id',
    userId: 'user_id',
    role: 'role',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['teamId', 'userId', 'role'],
  actions: ['add', 'change_role', 'remove'],
});
