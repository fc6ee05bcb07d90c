import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { NotificationPriority } from './notification.inputs.js';

/** A notification to one user. */
export interface Notification {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** The user it is for. */
  readonly userId: string;
  /** What it is about, like an event type, e.g. `staff_profile.verified`. */
  readonly type: string;
  /** A short title. */
  readonly title: string;
  /** The text. */
  readonly message: string;
  /** Facts for the front end (ids, versions): a JSON object. */
  readonly data: Readonly<Record<string, unknown>>;
  /** How urgent it is. */
  readonly priority: NotificationPriority;
  /** When the user read it; `null` while unread. Set once. */
  readonly readAt: Date | null;
  /** When the user dismissed it; `null` until then. Set once. */
  readonly dismissedAt: Date | null;
  /** After this it is purged; `null`: kept. */
  readonly expiresAt: Date | null;
  /** The domain event it was made from, if any. */
  readonly sourceEventId: string | null;
  /** When it was made. */
  readonly createdAt: Date;
}

/**
 * Notifications: per tenant, not audited (a message to a user derived from audited changes;
 * reading or dismissing it changes no business record).
 */
export const notificationAggregate = defineAggregate<Notification>()({
  name: 'notification',
  table: 'notifications',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    userId: 'user_id',
    type: 'type',
    title: 'title',
    message: 'message',
    data: 'data',
    priority: 'priority',
    readAt: 'read_at',
    dismissedAt: 'dismissed_at',
    expiresAt: 'expires_at',
    sourceEventId: 'source_event_id',
    createdAt: 'created_at',
  },
  audited: [],
  actions: [],
});

/** The select list of a notification (columns as {@link Notification} fields). */
export const notificationColumns = [
  'notifications.id',
  'notifications.organization_id as organizationId',
  'notifications.user_id as userId',
  'notifications.type',
  'notifications.title',
  'notifications.message',
  'notifications.data',
  'notifications.priority',
  'notifications.read_at as readAt',
  'notifications.dismissed_at as dismissedAt',
  'notifications.expires_at as expiresAt',
  'notifications.source_event_id as sourceEventId',
  'notifications.created_at as createdAt',
] as const;
