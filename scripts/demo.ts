// npm run demo: the whole path on a throw-away embedded PostgreSQL.
// embedded server → migrate → seed defaults → organization → users → roles → permissions → stop.
import pg from 'pg';
import { createDatabase } from '../src/core/database/create-database.js';
import { UniqueViolationError } from '../src/core/errors/constraint-errors.js';
import { VersionConflictError } from '../src/core/errors/version-conflict-error.js';
import { migrate } from '../src/core/migrations/migrate.js';
import { migrationStatus } from '../src/core/migrations/status.js';
import { createRepositories, unitOfWork } from '../src/repositories.js';
import { seedDefaults } from '../src/contexts/identity/seeders/seed-defaults.js';
import { startPostgresServer } from '../src/testing/postgres-server.js';
import { withDatabase } from '../src/testing/template-database.js';

const say = (line = '') => console.log(line);

say('Starting an embedded PostgreSQL (no Docker, nothing installed)…');
const server = await startPostgresServer({ url: null });
const admin = new pg.Client({ connectionString: server.adminUrl });
await admin.connect();
const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
await admin.query('CREATE DATABASE demo');
await admin.end();
say(`  PostgreSQL ${rows[0]?.server_version} is up.`);

const db = createDatabase({ connectionString: withDatabase(server.adminUrl, 'demo') });
try {
  const { applied } = await migrate(db);
  say(`\nmigrate(db) applied ${applied.length} migrations:`);
  for (const name of applied) say(`  ${name}`);
  say(`  pending now: ${(await migrationStatus(db)).pending.length}`);

  const seeded = await seedDefaults(db);
  say(`\nseedDefaults(db): ${seeded.roles} roles, ${seeded.permissions} permissions, ${seeded.grants} grants.`);
  const again = await seedDefaults(db);
  say(`  run again: ${again.roles} roles, ${again.permissions} permissions, ${again.grants} grants (idempotent).`);

  const repos = createRepositories(db);
  const { org, alice, bob } = await repos.transaction(async (tx) => {
    const org = await tx.organizations.create({
      slug: 'lotus-university',
      name: 'Lotus University',
      settings: { defaultTimeZone: 'Asia/Ho_Chi_Minh', security: { mfaRequired: true } },
    });
    const alice = await tx.users.register({
      organizationId: org.id,
      authSubject: 'cognito|a1b2c3',
      email: 'alice.nguyen@lotus.example.edu',
      fullName: 'Nguyễn Thị Alice',
      birthdate: '1988-04-12',
      locale: 'vi-VN',
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    const bob = await tx.users.register({
      organizationId: org.id,
      authSubject: 'cognito|d4e5f6',
      email: 'bob.tran@lotus.example.edu',
      fullName: 'Trần Văn Bob',
    });
    return { org, alice, bob };
  });
  say(`\nIn one transaction: organization "${org.name}" (${org.slug}) with two users:`);
  for (const { user, profile, roles } of [alice, bob]) {
    say(`  ${profile.fullName} <${user.email}>  roles: ${roles.join(', ')}`);
  }

  const adminRole = (await repos.roles.findByName('admin'))!;
  await repos.access.assignRole(alice.user.id, adminRole.id, { grantedBy: alice.user.id });
  const registrar = await repos.roles.create({ name: 'registrar', description: 'Registers and edits users' });
  for (const permission of ['user:read', 'user:create', 'user:update']) {
    await repos.roles.grantPermission(registrar.id, permission);
  }
  await repos.access.assignRole(bob.user.id, registrar.id, { grantedBy: alice.user.id });
  say('\nAlice is now admin; Bob got a new role "registrar" (user:read, user:create, user:update).');

  for (const { user, profile } of [alice, bob]) {
    const permissions = await repos.access.listEffectivePermissions(user.id);
    say(`\nEffective permissions of ${profile.fullName}:`);
    say(`  ${permissions.join(', ')}`);
  }
  say(`\nhasPermission(Bob, 'user:delete') → ${await repos.access.hasPermission(bob.user.id, 'user:delete')}`);
  say(`hasPermission(Bob, 'user:create') → ${await repos.access.hasPermission(bob.user.id, 'user:create')}`);
  await repos.users.deactivate(bob.user.id);
  say(`Bob deactivated: hasPermission(Bob, 'user:create') → ${await repos.access.hasPermission(bob.user.id, 'user:create')}`);

  const duplicate = await repos.users
    .register({ organizationId: org.id, authSubject: 'cognito|zzz', email: 'ALICE.NGUYEN@lotus.example.edu', fullName: 'Copy' })
    .then(() => undefined, (error: unknown) => error);
  if (duplicate instanceof UniqueViolationError) {
    say(`\nRegistering Alice's email again (other case) → ${duplicate.name} ${duplicate.code} on ${duplicate.constraint}`);
  } else {
    throw new Error('duplicate email was accepted');
  }
  await repos.users.reactivate(bob.user.id);

  // Staff profiles: Bob fills in and submits his; Alice (admin, so she holds profile:verify)
  // verifies exactly the version she reviewed. Request-scoped repositories carry the actor.
  await repos.organizations.updateSettings(org.id, { verification: { validityDays: 365 } });
  const unit = await repos.units.create({ organizationId: org.id, code: 'FIT', name: 'Faculty of IT' });
  const asBob = createRepositories(db, { actorUserId: bob.user.id, requestId: 'demo-1' });
  const asAlice = createRepositories(db, { actorUserId: alice.user.id, requestId: 'demo-2' });
  await asBob.staffProfiles.edit(bob.user.id, {
    employeeId: 'LU-0042',
    academicTitleCode: 'master',
    unitId: unit.id,
    jobTitle: 'Lecturer',
  });
  const submitted = await asBob.staffProfiles.submit(bob.user.id);
  say(`\nBob's staff profile: ${submitted.status} at version ${submitted.version} (unit ${unit.code}).`);
  const queue = await asAlice.staffProfileQueries.pagePendingQueue(org.id, { limit: 10 });
  say(`Pending queue of ${org.slug}: ${queue.items.map((p) => p.employeeId).join(', ')}`);
  // One unit of work scoped to the tenant, acting as Alice.
  const verified = await unitOfWork(db, { tenant: org.id, context: { actorUserId: alice.user.id } }, (uow) =>
    uow.staffProfiles.verify(bob.user.id, { expectedVersion: submitted.version }),
  );
  say(
    `Alice verified version ${submitted.version} → ${verified.status}, expires ${verified.verificationExpiresAt?.toISOString().slice(0, 10)}.`,
  );
  const secondVerify = await asAlice.staffProfiles
    .verify(bob.user.id, { expectedVersion: submitted.version })
    .then(() => undefined, (error: unknown) => error);
  if (!(secondVerify instanceof VersionConflictError)) throw new Error('verifying again at the old version did not raise VersionConflictError');
  say(
    `Verifying again at version ${secondVerify.expectedVersion} → ${secondVerify.name}: it is ${secondVerify.currentStatus} at version ${secondVerify.currentVersion}.`,
  );

  const history = await repos.audit.pageEntityHistory('staff_profile', bob.user.id);
  say('\nAudit trail of Bob\'s staff profile (same transaction as each change):');
  for (const entry of history.items) {
    say(`  #${entry.eventId} ${entry.action.padEnd(22)} actor=${entry.actorUserId === bob.user.id ? 'Bob' : entry.actorUserId === alice.user.id ? 'Alice' : 'system'} ${String(entry.before?.status ?? '-')} → ${String(entry.after?.status ?? '-')}`);
  }
} finally {
  await db.destroy();
  await server.stop();
  say('\nStopped the embedded PostgreSQL. Done.');
}
