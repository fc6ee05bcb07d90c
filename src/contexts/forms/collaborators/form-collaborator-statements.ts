// The statements of form collaborators and form-scoped permissions, compiled once per process.
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import type { FormCollaborator } from './form-collaborator.js';

const COLUMNS = sql`c.id, c.organization_id AS "organizationId", c.form_id AS "formId", c.user_id AS "userId", c.team_id AS "teamId",
  r.name AS role, c.created_by AS "createdBy", c.created_at AS "createdAt"`;

/**
 * Gives a role on a live form to an active user or a live team of the form's organization.
 * Always one row: the collaborator (`null` when nothing was added) and which part was missing.
 */
export const insertCollaborator = compiledQuery(
  (db, p: { formId: string; userId: string | null; teamId: string | null; role: string; createdBy: string | null }) =>
    compilableSql(
      db,
      sql<{ added: FormCollaborator | null; form: boolean; role: boolean; member: boolean }>`
        WITH f AS (SELECT organization_id, id FROM forms WHERE id = ${p.formId}::uuid AND deleted_at IS NULL),
        r AS (SELECT id, name FROM roles WHERE name = ${p.role}::text),
        who AS (
          SELECT EXISTS (SELECT 1 FROM users u, f WHERE u.id = ${p.userId}::uuid AND u.organization_id = f.organization_id AND u.is_active AND u.deleted_at IS NULL)
              OR EXISTS (SELECT 1 FROM teams t, f WHERE t.id = ${p.teamId}::uuid AND t.organization_id = f.organization_id AND t.deleted_at IS NULL) AS ok
        ),
        c AS (
          INSERT INTO form_collaborators (organization_id, form_id, user_id, team_id, role_id, created_by)
          SELECT f.organization_id, f.id, ${p.userId}::uuid, ${p.teamId}::uuid, r.id, ${p.createdBy}::uuid FROM f, r, who WHERE who.ok
          RETURNING *
        )
        SELECT (SELECT jsonb_build_object('id', c.id, 'organizationId', c.organization_id, 'formId', c.form_id, 'userId', c.user_id,
                  'teamId', c.team_id, 'role', r.name, 'createdBy', c.created_by, 'createdAt', c.created_at) FROM c, r) AS added,
          EXISTS (SELECT 1 FROM f) AS form, EXISTS (SELECT 1 FROM r) AS role, (SELECT ok FROM who) AS member`,
    ),
);

/** Removes a collaborator of a live form; the collaborator as it was. */
export const deleteCollaborator = compiledQuery((db, p: { formId: string; id: string }) =>
  compilableSql(
    db,
    sql<FormCollaborator>`
      DELETE FROM form_collaborators c USING roles r, forms f
      WHERE c.id = ${p.id}::uuid AND c.form_id = ${p.formId}::uuid AND r.id = c.role_id AND f.id = c.form_id AND f.deleted_at IS NULL
      RETURNING ${COLUMNS}`,
  ),
);

/** A live form's collaborators, oldest first. */
export const collaboratorsOf = compiledQuery((db, p: { formId: string }) =>
  compilableSql(
    db,
    sql<FormCollaborator>`
      SELECT ${COLUMNS} FROM form_collaborators c JOIN roles r ON r.id = c.role_id JOIN forms f ON f.id = c.form_id AND f.deleted_at IS NULL
      WHERE c.form_id = ${p.formId}::uuid ORDER BY c.created_at, c.id`,
  ),
);

/**
 * Whether an active user of a live organization holds `permission` on a live form of that
 * organization: through a role of the organization (user_roles), a role on the form, or a role
 * on the form given to a live team the user belongs to. One statement.
 */
export const formPermissionCheck = compiledQuery((db, p: { user: string; formId: string; permission: string }) =>
  compilableSql(
    db,
    sql<{ allowed: boolean }>`
      SELECT EXISTS (
        SELECT 1
        FROM users u
        JOIN organizations o ON o.id = u.organization_id AND o.deleted_at IS NULL
        JOIN forms f ON f.id = ${p.formId}::uuid AND f.organization_id = u.organization_id AND f.deleted_at IS NULL
        JOIN permissions perm ON perm.name = ${p.permission}::text
        JOIN role_permissions rp ON rp.permission_id = perm.id
        WHERE u.id = ${p.user}::uuid AND u.is_active AND u.deleted_at IS NULL
          AND rp.role_id IN (
            SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id
            UNION ALL
            SELECT c.role_id FROM form_collaborators c WHERE c.form_id = f.id AND c.user_id = u.id
            UNION ALL
            SELECT c.role_id FROM form_collaborators c
              JOIN team_members m ON m.team_id = c.team_id AND m.user_id = u.id
              JOIN teams t ON t.id = c.team_id AND t.deleted_at IS NULL
            WHERE c.form_id = f.id
          )
      ) AS allowed`,
  ),
);
