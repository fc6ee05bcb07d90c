// Runs in an empty project where the PREVIOUS release's tarball is installed, against a database
// migrated (and seeded) by the CURRENT checkout: OWNER_URL connects as the owner, APP_URL as a
// login role granted org_data_app. Uses only the API of the previous release (0.5/0.6: root
// entry). Every step must work: a service still on the previous release keeps working after
// another service migrated the shared database to the new release (expand/contract).
import { createHash, randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import * as orgData from '@org/data';

const { createDatabase, createRepositories, migrate, migrationStatus, seedDefaults, unitOfWork } = orgData;

const version = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync('node_modules/@org/data/package.json', 'utf8'))).version;
const step = (line) => console.log(`  ok  ${line}`);
const object = () => {
  const content = randomUUID();
  return { storageKey: `objects/${content}`, checksumSha256: createHash('sha256').update(content).digest('hex'), sizeBytes: content.length };
};

console.log(`@org/data ${version} (previous release) against a database migrated by this checkout:`);
const owner = createDatabase({ connectionString: process.env.OWNER_URL, max: 2 });
const app = createDatabase({ connectionString: process.env.APP_URL, max: 2 });
try {
  // A service on the previous release runs migrate at start-up: nothing to apply, no error.
  const { applied } = await migrate(owner);
  assert.deepEqual(applied, []);
  const status = await migrationStatus(owner);
  assert.equal(status.pending.length, 0);
  assert.equal(status.mismatched.length, 0);
  step(`migrate(db): nothing to apply; ${status.unknown.length} migration(s) of the newer release seen as unknown`);
  await seedDefaults(owner);
  step('seedDefaults(db) is idempotent');

  const repos = createRepositories(owner);
  const org = await repos.organizations.create({ slug: `compat-${randomUUID().slice(0, 8)}`, name: 'Compat' });
  const alice = await repos.users.register({ organizationId: org.id, authSubject: `compat|${randomUUID()}`, email: 'alice@compat.example', fullName: 'Alice' });
  const bob = await repos.users.register({ organizationId: org.id, authSubject: `compat|${randomUUID()}`, email: 'bob@compat.example', fullName: 'Bob' });
  const adminRole = await repos.roles.findByName('admin');
  await repos.access.assignRole(alice.user.id, adminRole.id, { grantedBy: alice.user.id });
  assert.equal(await repos.access.hasPermission(alice.user.id, 'profile:verify'), true);
  assert.equal(await repos.access.hasPermission(bob.user.id, 'profile:verify'), false);
  step('organizations.create, users.register, access.assignRole, access.hasPermission');

  const unit = await repos.units.create({ organizationId: org.id, code: 'FIT', name: 'Faculty of IT' });
  const asBob = createRepositories(owner, { actorUserId: bob.user.id });
  await asBob.staffProfiles.edit(bob.user.id, { employeeId: `C-${randomUUID().slice(0, 8).toUpperCase()}`, academicTitleCode: 'master', unitId: unit.id, jobTitle: 'Lecturer' });
  const submitted = await asBob.staffProfiles.submit(bob.user.id);
  const verified = await unitOfWork(owner, { tenant: org.id, context: { actorUserId: alice.user.id } }, (uow) =>
    uow.staffProfiles.verify(bob.user.id, { expectedVersion: submitted.version }),
  );
  assert.equal(verified.status, 'verified');
  step('staffProfiles.edit, submit, verify (in a tenant unit of work)');

  const client = await repos.clients.create({ organizationId: org.id, code: 'C-1', name: 'First client' });
  const { document } = await repos.documents.create({ clientId: client.id, originalName: 'a.pdf', mimeType: 'application/pdf', ...object() });
  const next = await repos.documents.addVersion(document.id, { expectedVersion: document.currentVersion, ...object() });
  assert.equal(next.version.versionNumber, 2);
  step('clients.create, documents.create, documents.addVersion');

  const history = await repos.audit.pageEntityHistory('staff_profile', bob.user.id);
  assert.ok(history.items.length >= 2, 'the staff profile has audit history');
  step(`audit.pageEntityHistory: ${history.items.length} entries`);

  // A platform row (a global role: no organization), written by this release as NULL: stored
  // under the platform marker since 0.12 (audit_logs.organization_id is NOT NULL), not refused.
  const role = await repos.roles.create({ name: `compat-${randomUUID().slice(0, 8)}`, description: 'Compat role' });
  const roleHistory = await repos.audit.pageEntityHistory('role', role.id);
  assert.deepEqual(roleHistory.items.map((entry) => entry.action), ['role.create']);
  step('roles.create: its platform audit row is written');

  // As the application role: row-level security with the tenant set, nothing without it.
  const seen = await unitOfWork(app, { tenant: org.id }, (uow) => uow.users.findById(alice.user.id));
  assert.equal(seen?.id, alice.user.id);
  assert.equal(await createRepositories(app).users.findById(alice.user.id), undefined);
  const appClient = await unitOfWork(app, { tenant: org.id }, (uow) => uow.clients.create({ organizationId: org.id, code: 'C-2', name: 'By the app' }));
  assert.equal(appClient.organizationId, org.id);
  step('application role: tenant unit of work reads and writes; no tenant, no rows');

  // Releases with domain events (0.8.0 on): the registrations above wrote user.registered events;
  // that release's worker, as a login role granted org_data_worker, dispatches and delivers them.
  if (typeof orgData.createWorker === 'function') {
    const workerDb = createDatabase({ connectionString: process.env.WORKER_URL, max: 2 });
    try {
      const handled = new Set();
      const worker = orgData.createWorker(workerDb, {
        handlers: [{ name: 'compat-smoke', eventTypes: ['user.registered'], handle: async (event) => void handled.add(event.aggregateId) }],
      });
      // Registered before the first dispatch, so the events waiting in the outbox reach it.
      for (let round = 0; round < 10; round += 1) {
        const done = await worker.runOnce();
        if (done.dispatched + done.delivered + done.retried + done.dead === 0) break;
      }
      assert.ok(handled.has(alice.user.id) && handled.has(bob.user.id), 'the worker delivered both registrations');
      const queue = await orgData.eventQueueStatus(workerDb);
      assert.equal(queue.outboxDepth, 0);
      assert.equal(queue.deliveries.dead, 0);
      step(`events: the worker delivered ${handled.size} user.registered events; outbox empty, nothing dead`);
    } finally {
      await workerDb.destroy();
    }
  }
  console.log(`@org/data ${version} works against this checkout's schema.`);
} finally {
  await owner.destroy();
  await app.destroy();
}
