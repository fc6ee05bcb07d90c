// The notification statements, compiled once (a list once per shape: with or without a cursor).
import { sql } from 'kysely';
import { compiledQuery, compiledShapes } from '../../../core/kernel/compiled-query.js';
import { notificationColumns, type Notification } from './notification.js';

type Row = Notification & { cursorAt?: string };

/** Inserts a notification for a live user of the tenant (none when the user is missing or deleted). */
export const insertNotification = compiledQuery(
  (
    db,
    p: {
      userId: string;
      type: string;
      title: string;
      message: string;
      data: string;
      priority: string;
      expiresAt: Date | null;
      sourceEventId: string | null;
    },
  ) =>
    db
      .insertInto('notifications')
      .columns(['organization_id', 'user_id', 'type', 'title', 'message', 'data', 'priority', 'expires_at', 'source_event_id'])
      .expression((e) =>
        e
          .selectFrom('users')
          .select([
            'users.organization_id',
            'users.id',
            sql<string>`${p.type}::text`.as('type'),
            sql<string>`${p.title}::text`.as('title'),
            sql<string>`${p.message}::text`.as('message'),
            sql<string>`${p.data}::jsonb`.as('data'),
            sql<string>`${p.priority}::text`.as('priority'),
            sql<Date | null>`${p.expiresAt}::timestamptz`.as('expires_at'),
            sql<string | null>`${p.sourceEventId}::uuid`.as('source_event_id'),
          ])
          .where('users.id', '=', p.userId)
          .where('users.deleted_at', 'is', null),
      )
      .returning(notificationColumns),
);

/** The user's unread, undismissed, unexpired notifications, newest first, keyset on (created_at, id). */
export const unreadOf = compiledShapes((db, p: { user: string; limit: number; afterAt?: string; afterId?: string }, shape: 'all' | 'after') => {
  let query = db
    .selectFrom('notifications')
    .select([...notificationColumns, sql<string>`notifications.created_at::text`.as('cursorAt')])
    .where('notifications.organization_id', '=', (e) => e.selectFrom('users').select('users.organization_id').where('users.id', '=', p.user))
    .where('notifications.user_id', '=', p.user)
    .where('notifications.read_at', 'is', null)
    .where('notifications.dismissed_at', 'is', null)
    .where((e) => e.or([e('notifications.expires_at', 'is', null), e('notifications.expires_at', '>', sql<Date>`now()`)]));
  if (shape === 'after') {
    query = query.where(sql`(notifications.created_at, notifications.id)`, '<', sql`(${p.afterAt}::timestamptz, ${p.afterId}::uuid)`);
  }
  return query.orderBy('notifications.created_at', 'desc').orderBy('notifications.id', 'desc').limit(sql<number>`${p.limit}::int`);
});
export type { Row as UnreadRow };

/** Sets `read_at` or `dismissed_at` of the user's notification, only while it is unset. */
export const markOnce = compiledShapes((db, p: { id: string; user: string }, field: 'read_at' | 'dismissed_at') =>
  db
    .updateTable('notifications')
    .set(field, sql<Date>`now()`)
    .where('notifications.id', '=', p.id)
    .where('notifications.user_id', '=', p.user)
    .where(field, 'is', null)
    .returning(notificationColumns),
);

/** The user's notification. */
export const ownNotification = compiledQuery((db, p: { id: string; user: string }) =>
  db.selectFrom('notifications').select(notificationColumns).where('notifications.id', '=', p.id).where('notifications.user_id', '=', p.user),
);

/** Deletes up to `limit` expired notifications of the tenant; their ids. */
export const purgeExpiredNotifications = compiledQuery((db, p: { limit: number }) =>
  db
    .deleteFrom('notifications')
    .where('notifications.id', 'in', (e) =>
      e
        .selectFrom('notifications')
        .select('notifications.id')
        .where('notifications.expires_at', '<', sql<Date>`now()`)
        .orderBy('notifications.expires_at')
        .limit(sql<number>`${p.limit}::int`)
        .forUpdate()
        .skipLocked(),
    )
    .returning('notifications.id'),
);
