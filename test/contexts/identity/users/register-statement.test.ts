import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent } from '../../../../src/core/audit/audit-event.js';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { userRoleAggregate } from '../../../../src/contexts/identity/rbac/role.js';
import { staffProfileAggregate } from '../../../../src/contexts/identity/staff-profiles/staff-profile.js';
import { userAggregate, userProfileAggregate } from '../../../../src/contexts/identity/users/user.js';
import { seedDefaults } from '../../../../src/contexts/identity/seeders/seed-defaults.js';
import { createRepositories } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { auditRowsOf } from '../../../helpers/audit.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anOrganization, unique } from '../../../helpers/fixtures.js';
import { recordStatements } from '../../../core/unit-of-work/record-statements.js';

// users.register is ONE statement: no BEGIN/COMMIT of its own, audit snapshots built in SQL
// exactly as auditEvent builds them from the rows.
describe('users.register: one statement', () => {
  const testDb = useTestDatabase();
  const applicationName = `reg-${randomUUID().slice(0, 8)}`;
  let db: Kysely<DB>;
  let organizationId: string;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    organizationId = (await anOrganization(createRepositories(testDb.current.db))).id;
    db = createDatabase({ connectionString: testDb.current.connectionString, applicationName, max: 1 });
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const recorded = async <T>(work: () => Promise<T>) => {
    const recorder = recordStatements(applicationName);
    try {
      const result = await work().catch((error: unknown) => error);
      return { result, sent: recorder.sent.map((s) => s.sql) };
    } finally {
      recorder.stop();
    }
  };

  it.each([
    ['no optional fields', {}],
    ['locale, time zone and birthdate', { locale: 'vi-VN', timeZone: 'Asia/Ho_Chi_Minh', birthdate: '1990-02-03' }],
    ['a time zone only', { timeZone: 'Europe/Paris' }],
  ])('%s: one statement; four audit rows equal auditEvent of the rows', async (_, optional) => {
    const id = unique();
    const repos = createRepositories(db, { requestId: `req-${id}`, ip: '2001:db8::1' });
    const { result, sent } = await recorded(() =>
      repos.users.register({ organizationId, authSubject: `sub|${id}`, email: `p.${id}@example.com`, fullName: `P ${id}`, ...optional }),
    );
    expect(sent).toHaveLength(1);
    const { user, profile, roles } = result as Awaited<ReturnType<typeof repos.users.register>>;
    expect(roles).toEqual(['user']);
    expect(profile).toMatchObject({
      userId: user.id,
      locale: 'locale' in optional ? optional.locale : 'en',
      timeZone: 'timeZone' in optional ? optional.timeZone : 'UTC',
      birthdate: 'birthdate' in optional ? optional.birthdate : null,
    });
    expect(await repos.users.findById(user.id)).toEqual(user);
    expect(await repos.users.findProfile(user.id)).toEqual(profile);
    const staff = await repos.staffProfiles.getByUserId(user.id);
    const roleId = (await testDb.current.db.selectFrom('user_roles').select('role_id').where('user_id', '=', user.id).executeTakeFirstOrThrow()).role_id;
    const common = { entityId: user.id, organizationId } as const;
    const rows = await auditRowsOf(testDb.current.db, { entityId: user.id });
    expect(rows.map(({ action, entityType, entityId, organizationId: org, before, after }) => ({ action, entityType, entityId, organizationId: org, before, after }))).toEqual([
      auditEvent(userAggregate, 'register', { ...common, after: user }),
      auditEvent(userProfileAggregate, 'create', { ...common, after: profile }),
      auditEvent(userRoleAggregate, 'assign', { ...common, after: { userId: user.id, roleId } }),
      auditEvent(staffProfileAggregate, 'create', { ...common, after: staff }),
    ]);
    for (const row of rows) expect(row).toMatchObject({ actorUserId: null, requestId: `req-${id}`, ip: '2001:db8::1', userAgent: null });
  });

  it('a missing or deleted organization: NotFoundError(organization), nothing written; a taken subject: UniqueViolationError', async () => {
    const repos = createRepositories(db);
    const missing = randomUUID();
    const input = (org: string, id = unique()) => ({ organizationId: org, authSubject: `sub|${id}`, email: `p.${id}@example.com`, fullName: 'P' });
    const error = await repos.users.register(input(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'organization' });
    const org = await anOrganization(createRepositories(testDb.current.db));
    await createRepositories(testDb.current.db).organizations.softDelete(org.id);
    const id = unique();
    await expect(repos.users.register(input(org.id, id))).rejects.toMatchObject({ entity: 'organization' });
    expect(await repos.users.findByAuthSubject(`sub|${id}`)).toBeUndefined();
    const taken = unique();
    await repos.users.register(input(organizationId, taken));
    await expect(repos.users.register({ ...input(organizationId), authSubject: `sub|${taken}` })).rejects.toBeInstanceOf(UniqueViolationError);
  });
});
