// The shape of a conformance scenario, and the fixtures scenarios share. Scenarios live beside
// their aggregate's tests (`test/contexts/<context>/<aggregate>/<aggregate>.scenarios.ts`): one
// per audit action the aggregate declares. test/conformance/audit-conformance.test.ts finds them
// all and fails when an action has none, or two.
import type { Kysely } from 'kysely';
import type { UnitOfWork } from '../../src/repositories.js';
import type { DB } from '../../src/schema/db.js';
import { anObject } from '../helpers/documents.js';
import { unique } from '../helpers/fixtures.js';
import type { World } from '../helpers/world.js';

/** What a scenario is given: the world, and its committed setup. */
export interface Scenario<S = unknown> {
  /** Prepares (and commits) what the mutation needs; runs with the world's system repositories. */
  readonly setup?: (world: World, db: Kysely<DB>) => Promise<S>;
  /** Who acts (the applicant or the verifier); system when absent. */
  readonly actor?: 'applicant' | 'verifier';
  /** The mutation, through the unit of work's repositories. */
  readonly run: (uow: UnitOfWork, world: World, state: S) => Promise<unknown>;
}

/** Declares a scenario, typing its state from `setup`. */
export const scenario = <S>(definition: Scenario<S>): Scenario => definition as Scenario;

/** Fixture shared by scenarios. */
export const aRole = (world: World) => world.system.roles.create({ name: `role-${unique()}` });
/** Fixture shared by scenarios. */
export const aUserOf = async (world: World) =>
  (
    await world.system.users.register({
      organizationId: world.organizationId,
      authSubject: `conf|${unique()}`,
      email: `conf.${unique()}@example.com`,
      fullName: 'Conformance Person',
    })
  ).user;
/** Fixture shared by scenarios. */
export const aClientOf = (world: World) =>
  world.system.clients.create({ organizationId: world.organizationId, code: `CF-${unique()}`, name: 'Conformance client' });
/** Fixture shared by scenarios. */
export const aDocumentOf = async (world: World) => {
  const client = await aClientOf(world);
  return (
    await world.system.documents.create({
      clientId: client.id,
      originalName: `conf-${unique()}.pdf`,
      mimeType: 'application/pdf',
      ...anObject(),
    })
  ).document;
};
