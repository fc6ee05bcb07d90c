// Type tests of `@org/data/events` (entry: src/contexts/events/index.ts, package.json exports
// "./events").
import type { Kysely } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import type { DB } from '../../src/index.js';
import {
  createNotificationRepository,
  createWorker,
  eventPayloadSchema,
  staffProfileNotifications,
  type EventHandler,
  type Notification,
  type NotificationRepository,
  type Worker,
  type WorkerRound,
} from '../../src/contexts/events/index.js';
import type { z } from 'zod';

declare const db: Kysely<DB>;

describe('@org/data/events', () => {
  it('createWorker takes handlers and returns a worker whose rounds report counts', () => {
    expectTypeOf(createWorker(db, { handlers: [staffProfileNotifications] })).toEqualTypeOf<Worker>();
    expectTypeOf<Worker['runOnce']>().returns.toEqualTypeOf<Promise<WorkerRound>>();
    expectTypeOf(staffProfileNotifications).toEqualTypeOf<EventHandler>();
  });

  it('a payload schema parses to an object', () => {
    expectTypeOf(eventPayloadSchema('staff_profile.verified', 1)).toEqualTypeOf<z.ZodType<object>>();
  });

  it('notifications: the repository over a Kysely<DB>, pages of notifications', () => {
    expectTypeOf(createNotificationRepository(db)).toEqualTypeOf<NotificationRepository>();
    expectTypeOf<Awaited<ReturnType<NotificationRepository['listUnread']>>['items'][number]>().toEqualTypeOf<Notification>();
  });
});
