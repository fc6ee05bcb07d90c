// Type tests of `@org/data/forms` (entry: src/contexts/forms/index.ts, package.json exports "./forms").
import type { Kysely } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import type { DB, UnitOfWork } from '../../src/index.js';
import { createTeamRepository, TEAM_ROLES, type Team, type TeamMember, type TeamRepository } from '../../src/contexts/forms/index.js';

declare const db: Kysely<DB>;
declare const uow: UnitOfWork;

describe('@org/data/forms', () => {
  it('teams: a repository from a Kysely<DB>, and on a unit of work', () => {
    expectTypeOf(createTeamRepository(db)).toEqualTypeOf<TeamRepository>();
    expectTypeOf(uow.teams).toEqualTypeOf<TeamRepository>();
    expectTypeOf<TeamRepository['create']>().returns.toEqualTypeOf<Promise<{ readonly team: Team; readonly owner: TeamMember }>>();
    expectTypeOf<TeamRepository['findById']>().returns.toEqualTypeOf<Promise<Team | undefined>>();
    expectTypeOf<TeamMember['role']>().toEqualTypeOf<(typeof TEAM_ROLES)[number]>();
  });

  it('a role is one of TEAM_ROLES', () => {
    // @ts-expect-error not a team role
    void uow.teams.changeRole('t', 'u', 'boss');
  });
});
