// The team repository's statements, compiled once per process (see `compiledQuery`).
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { teamColumns, teamMemberColumns, type Team, type TeamMember } from './team.js';

/**
 * Makes a team and its first owner in one statement; `owner` is null (and nothing is written)
 * when the creator is not a live, active user of the organization.
 */
export const insertTeam = compiledQuery(
  (db, p: { organizationId: string; slug: string; name: string; description: string | null; owner: string }) =>
    compilableSql(
      db,
      sql<{ team: Team | null; owner: TeamMember | null }>`
        WITH creator AS (
          SELECT u.id FROM users u
          WHERE u.id = ${p.owner}::uuid AND u.organization_id = ${p.organizationId}::uuid AND u.is_active AND u.deleted_at IS NULL
        ), t AS (
          INSERT INTO teams (organization_id, slug, name, description)
          SELECT ${p.organizationId}::uuid, ${p.slug}::text, ${p.name}::text, ${p.description}::text FROM creator
          RETURNING *
        ), m AS (
          INSERT INTO team_members (organization_id, team_id, user_id, role)
          SELECT t.organization_id, t.id, creator.id, 'owner' FROM t CROSS JOIN creator
          RETURNING *
        )
        SELECT (SELECT jsonb_build_object('id', id, 'organizationId', organization_id, 'slug', slug, 'name', name,
            'description', description, 'createdAt', created_at, 'updatedAt', updated_at) FROM t) AS team,
          (SELECT jsonb_build_object('organizationId', organization_id, 'teamId', team_id, 'userId', user_id, 'role', role,
            'createdAt', created_at, 'updatedAt', updated_at) FROM m) AS owner`,
    ),
);

/** The live team with this id. */
export const teamById = compiledQuery((db, p: { id: string }) =>
  db.selectFrom('teams').select(teamColumns).where('teams.id', '=', p.id).where('teams.deleted_at', 'is', null),
);

/** The organization's live teams, by slug. */
export const teamsOfOrganization = compiledQuery((db, p: { org: string }) =>
  db.selectFrom('teams').select(teamColumns).where('teams.organization_id', '=', p.org).where('teams.deleted_at', 'is', null).orderBy('teams.slug'),
);

/** Marks a live team deleted; the team as it was. */
export const deleteTeam = compiledQuery((db, p: { id: string }) =>
  db.updateTable('teams').set({ deleted_at: sql`now()` }).where('teams.id', '=', p.id).where('teams.deleted_at', 'is', null).returning(teamColumns),
);

/**
 * Adds an active, live user of the team's organization to a live team; nothing when the team is
 * not live, or the user is not an active user of its organization.
 */
export const insertTeamMember = compiledQuery((db, p: { teamId: string; userId: string; role: string }) =>
  compilableSql(
    db,
    sql<TeamMember>`INSERT INTO team_members (organization_id, team_id, user_id, role)
      SELECT t.organization_id, t.id, u.id, ${p.role}::text FROM teams t
      JOIN users u ON u.organization_id = t.organization_id AND u.id = ${p.userId}::uuid AND u.is_active AND u.deleted_at IS NULL
      WHERE t.id = ${p.teamId}::uuid AND t.deleted_at IS NULL
      RETURNING organization_id AS "organizationId", team_id AS "teamId", user_id AS "userId", role,
        created_at AS "createdAt", updated_at AS "updatedAt"`,
  ),
);

/**
 * Takes the live team's row for a change of its members (an UPDATE of updated_at): the team
 * first, then the member, in every change, so two changes of one team never lock in opposite
 * orders, and the team cannot be deleted meanwhile. Nothing when the team is not live.
 */
export const takeLiveTeam = compiledQuery((db, p: { id: string }) =>
  compilableSql(db, sql<{ id: string }>`UPDATE teams SET updated_at = now() WHERE id = ${p.id}::uuid AND deleted_at IS NULL RETURNING id`),
);

/** Changes a member's role; the member before and after (nothing when not a member). */
export const changeTeamMemberRole = compiledQuery((db, p: { teamId: string; userId: string; role: string }) =>
  compilableSql(
    db,
    sql<TeamMember & { previousRole: string }>`
      WITH before AS (
        SELECT role FROM team_members WHERE team_id = ${p.teamId}::uuid AND user_id = ${p.userId}::uuid FOR NO KEY UPDATE
      )
      UPDATE team_members m SET role = ${p.role}::text FROM before
      WHERE m.team_id = ${p.teamId}::uuid AND m.user_id = ${p.userId}::uuid
      RETURNING m.organization_id AS "organizationId", m.team_id AS "teamId", m.user_id AS "userId", m.role,
        m.created_at AS "createdAt", m.updated_at AS "updatedAt", before.role AS "previousRole"`,
  ),
);

/** Removes a member; the member as it was (nothing when not a member). */
export const deleteTeamMember = compiledQuery((db, p: { teamId: string; userId: string }) =>
  db.deleteFrom('team_members').where('team_members.team_id', '=', p.teamId).where('team_members.user_id', '=', p.userId).returning(teamMemberColumns),
);

/** A live team's members, owners first, then by when they joined. */
export const membersOfTeam = compiledQuery((db, p: { teamId: string }) =>
  compilableSql(
    db,
    sql<TeamMember>`SELECT m.organization_id AS "organizationId", m.team_id AS "teamId", m.user_id AS "userId", m.role,
        m.created_at AS "createdAt", m.updated_at AS "updatedAt"
      FROM team_members m JOIN teams t ON t.id = m.team_id AND t.deleted_at IS NULL
      WHERE m.team_id = ${p.teamId}::uuid
      ORDER BY array_position(ARRAY['owner', 'admin', 'member', 'viewer'], m.role), m.created_at, m.user_id`,
  ),
);
