// Notifications: a user sees and changes only their own; read and dismissed are set once; the
// unread list is keyset-paginated; expired ones are purged; and the built-in handler notifies an
// applicant of a verification or rejection through the worker.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../../../src/core/events/worker.js';
import { staffProfileNotifications } from '../../../../src/contexts/events/notifications/staff-profile-notifications.js';
import { ForbiddenError } from '../../../../src/core/errors/forbidden-error.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import { createRepositories } from '../../../../src/repositories.js';
import { aUser } from '../../../helpers/fixtures.js';
import { aWorld, type World } from '../../../helpers/world.js';
import { useTestDatabase } from '../../../helpers/database.js';

describe('notifications', () => {
  const testDb = useTestDatabase();
  let world: World;
  beforeAll(async () => {
    world = await aWorld(testDb.current.db);
  });

  const asUser = (userId: string) => createRepositories(testDb.current.db, { actorUserId: userId });

  it('create → listUnread (newest first, keyset pages) → markRead and dismiss set once; another user sees none of it', async () => {
    const { user } = await aUser(world.system, world.organizationId);
    const { user: other } = await aUser(world.system, world.organizationId);
    const made = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(await world.system.notifications.create({ userId: user.id, type: 'test.happened', title: `Title ${i}`, message: `Message ${i}` }));
    }
    expect(made[0]).toMatchObject({ userId: user.id, organizationId: world.organizationId, priority: 'normal', readAt: null, data: {} });
    const mine = asUser(user.id).notifications;
    const first = await mine.listUnread({ limit: 3 });
    expect(first.items.map((n) => n.title)).toEqual(['Title 4', 'Title 3', 'Title 2']);
    const second = await mine.listUnread({ limit: 3, after: first.nextCursor });
    expect(second.items.map((n) => n.title)).toEqual(['Title 1', 'Title 0']);
    expect(second.nextCursor).toBeNull();

    const read = await mine.markRead(made[4]!.id);
    expect(read.readAt).toBeInstanceOf(Date);
    const again = await mine.markRead(made[4]!.id);
    expect(again.readAt).toEqual(read.readAt);
    const dismissed = await mine.dismiss(made[3]!.id);
    expect(dismissed.dismissedAt).toBeInstanceOf(Date);
    expect((await mine.listUnread()).items.map((n) => n.title)).toEqual(['Title 2', 'Title 1', 'Title 0']);

    const theirs = asUser(other.id).notifications;
    expect((await theirs.listUnread()).items).toEqual([]);
    await expect(theirs.markRead(made[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(theirs.dismiss(made[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await mine.listUnread()).items).toHaveLength(3);
  });

  it('needs an acting user to read; refuses bad input with typed errors and writes nothing', async () => {
    await expect(world.system.notifications.listUnread()).rejects.toBeInstanceOf(ForbiddenError);
    await expect(world.system.notifications.create({ userId: world.applicantId, type: 'Bad Type', title: 'x', message: 'y' })).rejects.toBeInstanceOf(ValidationError);
    await expect(world.system.notifications.create({ userId: world.applicantId, type: 'a.b', title: '   ', message: 'y' })).rejects.toBeInstanceOf(ValidationError);
    await expect(world.system.notifications.create({ userId: '6f1c3f0e-8a4b-4c55-9d43-6a3c1c9b7f10', type: 'a.b', title: 'x', message: 'y' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(asUser(world.applicantId).notifications.listUnread({ after: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('expired notifications are not listed and are purged', async () => {
    const { user } = await aUser(world.system, world.organizationId);
    const n = await world.system.notifications.create({ userId: user.id, type: 'test.expiring', title: 'Soon gone', message: '', expiresAt: new Date(Date.now() + 200) });
    expect((await asUser(user.id).notifications.listUnread()).items.map((x) => x.id)).toEqual([n.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await asUser(user.id).notifications.listUnread()).items).toEqual([]);
    expect(await world.system.notifications.purgeExpired()).toBeGreaterThanOrEqual(1);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications WHERE id = ${n.id}`.execute(testDb.current.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('the built-in handler notifies the applicant of a rejection, then a verification, once each, through the worker role', async () => {
    const db = testDb.current.db;
    const password = randomBytes(12).toString('hex');
    const role = `org_data_test_notifier_${randomBytes(4).toString('hex')}`;
    await sql.raw(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE org_data_worker`).execute(db);
    const url = new URL(testDb.current.connectionString);
    url.username = role;
    url.password = password;
    const workerDb = createDatabase({ connectionString: url.toString(), max: 2 });
    try {
      const { user } = await aUser(world.system, world.organizationId);
      const applicant = asUser(user.id);
      const submitted = await applicant.staffProfiles.submit(user.id);
      const rejected = await world.asVerifier.staffProfiles.reject(user.id, { expectedVersion: submitted.version, reason: 'Missing diploma' });
      const resubmitted = await applicant.staffProfiles.submit(user.id);
      await world.asVerifier.staffProfiles.verify(user.id, { expectedVersion: resubmitted.version });
      const worker = createWorker(workerDb, { handlers: [staffProfileNotifications] });
      for (let i = 0; i < 3; i += 1) await worker.runOnce();
      // No order between deliveries (they run concurrently): sorted by type here.
      const mine = [...(await applicant.notifications.listUnread()).items].sort((a, b) => a.type.localeCompare(b.type));
      expect(mine.map((n) => [n.type, n.title, n.priority])).toEqual([
        ['staff_profile.rejected', 'Your staff profile was rejected', 'high'],
        ['staff_profile.verified', 'Your staff profile was verified', 'normal'],
      ]);
      expect(mine[0]).toMatchObject({ message: 'Missing diploma', data: { version: rejected.version } });
      expect(mine.every((n) => n.sourceEventId !== null)).toBe(true);
      // The verifier got nothing.
      expect((await world.asVerifier.notifications.listUnread()).items.filter((n) => n.type.startsWith('staff_profile.'))).toEqual([]);
    } finally {
      await workerDb.destroy();
      await sql.raw(`DROP ROLE IF EXISTS ${role}`).execute(db).catch(() => undefined);
    }
  });
});
