import type { EventHandler } from '../../../core/events/event-handler.js';
import { staffProfileRejected, staffProfileVerified } from '../../identity/index.js';
import { createNotificationRepository } from './notification-repository.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { parseInput } from '../../../core/kernel/parse-input.js';

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
  async handle(event, scope) {
    if (scope === null || typeof scope !== 'object' || scope.trx === null || typeof scope.trx !== 'object') {
      throw new ValidationError([{ path: 'scope', message: 'must be the scope the worker passes ({ trx, tenant, attempt })' }]);
    }
    if (event === null || typeof event !== 'object') throw new ValidationError([{ path: 'event', message: 'must be a domain event' }]);
    const type = event.eventType === staffProfileVerified.code ? staffProfileVerified : event.eventType === staffProfileRejected.code ? staffProfileRejected : undefined;
    const schema = type?.payloads[event.payloadVersion];
    if (!type || !schema) throw new ValidationError([{ path: 'event.eventType', message: 'is not a staff-profile decision this handler knows' }]);
    const notifications = createNotificationRepository(scope.trx);
    if (type === staffProfileVerified) {
      const payload = parseInput(schema, event.payload, 'event.payload') as { userId: string; version: number; expiresAt: string | null };
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
    const payload = parseInput(schema, event.payload, 'event.payload') as { userId: string; version: number; reason: string };
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
