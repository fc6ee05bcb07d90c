// Form collaborators and form-scoped permissions on real PostgreSQL, as the application role: a
// user's permission on a form comes from an organization role, a role on the form, or a role
// on the form given to a live team they belong to — one query, and nothing else grants it.
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { FORM_ROLES } from '../../../../src/contexts/forms/collaborators/form-collaborator.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { expenseClaim } from '../../../helpers/form-definitions.js';
import { anOrganization, aUser, unique } from '../../../helpers/fixtures.js';

describe('form collaborators', () => {
  const testDb = useTestDatabase({ seed: true });
  let owner: Kysely<DB>;
  let app: Kysely<DB>;
  beforeAll(() => {
    owner = testDb.current.db;
    app = testDb.current.app;
  });

  const anOrg = async () => {
    const system = createRepositories(owner);
    const org = await anOrganization(system, `fc-${unique()}`);
    const users = await Promise.all([0, 1, 2, 3].map(async () => (await aUser(system, org.id)).user.id));
    const as = <T>(actor: string, fn: (uow: UnitOfWork) => Promise<T>) => unitOfWork(app, { tenant: org.id, context: { actorUserId: actor } }, fn);
    const [ada, bob, cy, dee] = users as [string, string, string, string];
    const { form } = await as(ada, (uow) => uow.forms.create({ organizationId: org.id, slug: `f-${unique()}`, name: 'Claims', definition: expenseClaim() }));
    return { organizationId: org.id, ada, bob, cy, dee, formId: form.id, as, system };
  };
  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

  it('permissions combine organization roles, form roles and team roles in one query; nothing else grants them', async () => {
    const org = await anOrg();
    const can = (user: string, permission: string, formId = org.formId) => org.as(org.ada, (uow) => uow.forms.hasPermission(user, formId, permission));
    // Nobody but holders of an organization role with the permission (aUser gives the `user` role only).
    for (const user of [org.bob, org.cy, org.dee]) expect(await can(user, 'form:publish')).toBe(false);
    // bob: a role on the form, directly.
    const bobEditor = await org.as(org.ada, (uow) => uow.forms.addCollaborator(org.formId, { userId: org.bob, role: 'form_editor' }));
    expect(bobEditor).toMatchObject({ formId: org.formId, userId: org.bob, teamId: null, role: 'form_editor', createdBy: org.ada });
    expect(await can(org.bob, 'form:edit')).toBe(true);
    expect(await can(org.bob, 'submission:read')).toBe(true);
    expect(await can(org.bob, 'form:publish')).toBe(false);
    // cy: through a live team that holds form_publisher on the form.
    const { team } = await org.as(org.ada, (uow) => uow.teams.create({ organizationId: org.organizationId, slug: `t-${unique()}`, name: 'Publishers' }));
    await org.as(org.ada, (uow) => uow.teams.addMember(team.id, { userId: org.cy, role: 'member' }));
    await org.as(org.ada, (uow) => uow.forms.addCollaborator(org.formId, { teamId: team.id, role: 'form_publisher' }));
    expect(await can(org.cy, 'form:publish')).toBe(true);
    expect(await can(org.ada, 'form:publish')).toBe(true); // ada owns the team
    expect(await can(org.dee, 'form:publish')).toBe(false);
    // dee: an organization role that holds the permission.
    const role = await org.system.roles.create({ name: `pub-${unique()}` });
    await org.system.roles.grantPermission(role.id, 'form:publish');
    await org.system.access.assignRole(org.dee, role.id);
    expect(await can(org.dee, 'form:publish')).toBe(true);
    // Only on that form: another form of the organization, another organization's form.
    const { form: second } = await org.as(org.ada, (uow) => uow.forms.create({ organizationId: org.organizationId, slug: `f-${unique()}`, name: 'Other', definition: expenseClaim() }));
    expect(await can(org.bob, 'form:edit', second.id)).toBe(false);
    expect(await can(org.cy, 'form:publish', second.id)).toBe(false);
    const other = await anOrg();
    expect(await can(org.dee, 'form:publish', other.formId)).toBe(false);
    expect(await can(org.bob, 'no:such')).toBe(false);
    // Gone: the team deleted, the user deactivated, the collaborator removed, the form deleted.
    await org.as(org.ada, (uow) => uow.teams.delete(team.id));
    expect(await can(org.cy, 'form:publish')).toBe(false);
    await org.system.users.deactivate(org.dee);
    expect(await can(org.dee, 'form:publish')).toBe(false);
    await org.as(org.ada, (uow) => uow.forms.removeCollaborator(org.formId, bobEditor.id));
    expect(await can(org.bob, 'form:edit')).toBe(false);
    await org.as(org.ada, (uow) => uow.forms.addCollaborator(org.formId, { userId: org.bob, role: 'form_viewer' }));
    expect(await can(org.bob, 'submission:read')).toBe(true);
    await org.as(org.ada, (uow) => uow.forms.delete(org.formId));
    expect(await can(org.bob, 'submission:read')).toBe(false);
    const { rows } = await sql<{ action: string }>`SELECT action FROM audit_logs WHERE entity_id = ${org.formId} AND action LIKE 'form.%collaborator' ORDER BY created_at`.execute(owner);
    expect(rows.map((r) => r.action)).toEqual(['form.add_collaborator', 'form.add_collaborator', 'form.remove_collaborator', 'form.add_collaborator']);
  });

  it('adding: a user or a team of the organization, a known role, once; typed errors otherwise', async () => {
    const org = await anOrg();
    const add = (input: object) => rejection(org.as(org.ada, (uow) => uow.forms.addCollaborator(org.formId, input as never)));
    await org.as(org.ada, (uow) => uow.forms.addCollaborator(org.formId, { userId: org.bob, role: 'form_viewer' }));
    expect(await add({ userId: org.bob, role: 'form_viewer' })).toBeInstanceOf(UniqueViolationError);
    expect(await add({ userId: org.bob, role: 'no_such_role' })).toMatchObject({ entity: 'role' });
    const other = await anOrg();
    expect(await add({ userId: other.bob, role: 'form_viewer' })).toMatchObject({ entity: 'collaborator' });
    expect(await rejection(org.as(org.ada, (uow) => uow.forms.addCollaborator(other.formId, { userId: org.bob, role: 'form_viewer' })))).toBeInstanceOf(NotFoundError);
    expect(await add({ userId: org.bob, teamId: org.bob, role: 'form_viewer' })).toBeInstanceOf(ValidationError);
    expect(await add({ role: 'form_viewer' })).toBeInstanceOf(ValidationError);
    expect(await add({ userId: org.bob, role: 'Form Viewer' })).toBeInstanceOf(ValidationError);
    expect(await rejection(org.as(org.ada, (uow) => uow.forms.hasPermission(org.bob, org.formId, 'not a permission')))).toBeInstanceOf(ValidationError);
    expect(await rejection(org.as(org.ada, (uow) => uow.forms.removeCollaborator(org.formId, org.bob)))).toBeInstanceOf(NotFoundError);
    expect((await org.as(org.ada, (uow) => uow.forms.listCollaborators(org.formId))).map((c) => [c.userId, c.role])).toEqual([[org.bob, 'form_viewer']]);
    expect(Object.keys(FORM_ROLES).sort()).toEqual(['form_editor', 'form_publisher', 'form_viewer']);
  });
});
