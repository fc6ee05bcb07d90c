// Statements of the actions that write outside the engine's own tables.
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';

/**
 * Notifies the listed users and the members of the listed live teams, each active user of the
 * tenant once, in one statement. The number notified.
 */
export const notifyRecipients = compiledQuery(
  (db, p: { users: string[]; teams: string[]; title: string; message: string; data: string; priority: string }) =>
    compilableSql(
      db,
      sql<{ notified: number }>`
        WITH recipients AS (
          SELECT u.organization_id, u.id FROM users u
          WHERE u.deleted_at IS NULL AND u.is_active AND (
            u.id = ANY (${p.users}::uuid[])
            OR EXISTS (
              SELECT 1 FROM team_members m JOIN teams t ON t.organization_id = m.organization_id AND t.id = m.team_id AND t.deleted_at IS NULL
              WHERE m.organization_id = u.organization_id AND m.user_id = u.id AND m.team_id = ANY (${p.teams}::uuid[])
            )
          )
        ), made AS (
          INSERT INTO notifications (organization_id, user_id, type, title, message, data, priority)
          SELECT organization_id, id, 'workflow.notification', ${p.title}::text, ${p.message}::text, ${p.data}::jsonb, ${p.priority}::text
          FROM recipients
          RETURNING 1
        )
        SELECT count(*)::int AS notified FROM made`,
    ),
);
