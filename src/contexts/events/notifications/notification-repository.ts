import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { ForbiddenError } from '../../../core/errors/forbidden-error.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { cursorCodec, pageLimit, TIMESTAMP_PART, toPage, UUID_PART, type Page, type PageOptions } from '../../../core/kernel/page.js';
import { optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import type { DB } from '../../../schema/db.js';
import { notificationAggregate, type Notification } from './notification.js';
import { CreateNotificationInputSchema, type CreateNotificationInput } from './notification.inputs.js';
import { insertNotification, markOnce, ownNotification, purgeExpiredNotifications, unreadOf, type UnreadRow } from './notification-statements.js';

/**
 * Notifications. Creating one is for the service (or a worker handler); reading, marking read
 * and dismissing act on the acting user's own notifications only (the audit context's
 * `actorUserId`): a user sees only their own.
 */
export interface NotificationRepository {
  /**
   * Notifies a live user of the tenant.
   * @throws ValidationError for bad input; nothing is written.
   * @throws NotFoundError (`user`) when the user is missing or deleted.
   */
  create(input: CreateNotificationInput): Promise<Notification>;
  /**
   * The acting user's unread, undismissed and unexpired notifications, newest first.
   * @throws ForbiddenError when the context has no acting user.
   */
  listUnread(options?: PageOptions): Promise<Page<Notification>>;
  /**
   * Marks the acting user's notification read (the first time only: `readAt` is set once).
   * @throws NotFoundError when it is not theirs or does not exist.
   */
  markRead(id: string): Promise<Notification>;
  /**
   * Dismisses the acting user's notification (the first time only).
   * @throws NotFoundError when it is not theirs or does not exist.
   */
  dismiss(id: string): Promise<Notification>;
  /** Deletes up to `limit` (default 1000, at most 10,000) expired notifications of the tenant; how many. */
  purgeExpired(options?: { readonly limit?: number }): Promise<number>;
}

const NOTIFICATION_CURSOR = cursorCodec([TIMESTAMP_PART, UUID_PART]);

const strip = ({ cursorAt: _, ...notification }: UnreadRow): Notification => notification;

/** Creates the notification repository over `db` (a Kysely instance or a transaction). */
export function createNotificationRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): NotificationRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const actor = (operation: string): string => {
    if (!context.actorUserId) throw new ForbiddenError(operation, 'needs an acting user (actorUserId) whose notifications these are');
    return context.actorUserId;
  };
  const mark = async (id: string, field: 'read_at' | 'dismissed_at', operation: string) => {
    const key = parseInput(UuidSchema, id, 'id');
    const user = actor(operation);
    const [changed] = await markOnce(db, field, { id: key, user });
    if (changed) return changed as Notification;
    const [current] = await ownNotification(db, { id: key, user });
    if (!current) throw new NotFoundError(notificationAggregate.name);
    return current as Notification;
  };

  return withErrorMapping({
    async create(input: CreateNotificationInput) {
      const data = parseInput(CreateNotificationInputSchema, input, 'input');
      const [row] = await insertNotification(db, {
        userId: data.userId,
        type: data.type,
        title: data.title,
        message: data.message,
        data: JSON.stringify(data.data ?? {}),
        priority: data.priority ?? 'normal',
        expiresAt: data.expiresAt ?? null,
        sourceEventId: data.sourceEventId ?? null,
      });
      if (!row) throw new NotFoundError('user');
      return row as Notification;
    },
    async listUnread(options: PageOptions = {}) {
      options = optionsArgument(options);
      const user = actor('list notifications');
      const limit = pageLimit(options);
      const after = options.after ? NOTIFICATION_CURSOR.decode(options.after) : undefined;
      const rows = after
        ? await unreadOf(db, 'after', { user, limit: limit + 1, afterAt: after[0]!, afterId: after[1]! })
        : await unreadOf(db, 'all', { user, limit: limit + 1 });
      return toPage(rows as UnreadRow[], limit, (row) => [row.cursorAt!, row.id], strip);
    },
    markRead: (id: string) => mark(id, 'read_at', 'mark notification read'),
    dismiss: (id: string) => mark(id, 'dismissed_at', 'dismiss notification'),
    async purgeExpired(options: { readonly limit?: number } = {}) {
      const { limit } = optionsArgument(options);
      const bounded = limit ?? 1000;
      if (!Number.isInteger(bounded) || bounded < 1 || bounded > 10_000) {
        throw new ValidationError([{ path: 'options.limit', message: 'must be an integer from 1 to 10000' }]);
      }
      return (await purgeExpiredNotifications(db, { limit: bounded })).length;
    },
  });
}
