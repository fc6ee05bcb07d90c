import type { EventHandler } from '../../../core/events/event-handler.js';
import { staffProfileRejected, staffProfileVerified } from '../../identity/index.js';
import { createNotificationRepository } from './notification-repository.js';

/**
 * The built-in consumer that tells applicants about a decision on their staff profile: on
 * `staff_profile.verified` and `staff_profile.rejected`, a notification for the profile's user
 * (rejections with high priority and the reason). Written in the delivery's transaction, so
 * exactly one per event; `sourceEventId` is the event's id.
 *
 * @example
 * const worker = createWorker(workerDb, { handlers: [staffProfileNotifications] });
 * worker.start();
 */
export const staffProfileNotifications: EventHandler = Object.freeze<EventHandler>({
  name: 'notifications.staff_profile',
  eventTypes: [staffProfileVerified.code, staffProfileRejected.code],
  async handle(event, { trx }) {
    const notifications = createNotificationRepository(trx);
    if (event.eventType === staffProfileVerified.code) {
      const payload = staffProfileVerified.payloads[event.payloadVersion]!.parse(event.payload) as {
        userId: string;
        version: number;
        expiresAt: string | null;
      };
      await notifications.create({
        userId: payload.userId,
        type: staffProfileVerified.code,
        title: 'Your staff profile was verified',
        message: payload.expiresAt ? `The verification holds until ${payload.expiresAt.slice(0, 10)}.` : 'The verification does not expire.',
        data: { version: payload.version },
        sourceEventId: event.id,
      });
      return;
    }
    const payload = staffProfileRejected.payloads[event.payloadVersion]!.parse(event.payload) as {
      userId: string;
      version: number;
      reason: string;
    };
    await notifications.create({
      userId: payload.userId,
      type: staffProfileRejected.code,
      title: 'Your staff profile was rejected',
      message: payload.reason.slice(0, 2000),
      data: { version: payload.version },
      priority: 'high',
      sourceEventId: event.id,
    });
  },
});
