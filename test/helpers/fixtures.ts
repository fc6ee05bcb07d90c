import { randomUUID } from 'node:crypto';
import type { Repositories } from '../../src/repositories.js';

/** A unique suffix so tests in one database never collide. */
export function unique(): string {
  return randomUUID().slice(0, 8);
}

/** Creates a live organization with a unique slug. */
export async function anOrganization(repos: Repositories, slug = `org-${unique()}`) {
  return repos.organizations.create({ slug, name: `Organization ${slug}` });
}

/** Registers a user with unique subject and email in the organization. */
export async function aUser(repos: Repositories, organizationId: string, overrides: { email?: string } = {}) {
  const id = unique();
  return repos.users.register({
    organizationId,
    authSubject: `sub|${id}`,
    email: overrides.email ?? `person.${id}@example.com`,
    fullName: `Person ${id}`,
  });
}
