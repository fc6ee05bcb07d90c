// Conformance scenarios of teams: one per audit action the aggregates declare (see
// test/conformance). The admin acts and owns the teams it makes.
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';
import type { World } from '../../../helpers/world.js';

const input = (world: World) => ({ organizationId: world.organizationId, slug: `team-${unique()}`, name: 'Conformance team' });

/** A team of the world made (and committed) by the admin, with the applicant as a member. */
async function aTeam(world: World) {
  const { team } = await world.asVerifier.teams.create(input(world));
  await world.asVerifier.teams.addMember(team.id, { userId: world.applicantId });
  return team;
}

/** The mutations that record each action. */
export const SCENARIOS = {
  'team.create': scenario({ actor: 'verifier', run: (uow, world) => uow.teams.create(input(world)) }),
  'team.delete': scenario({ actor: 'verifier', setup: aTeam, run: (uow, _world, team) => uow.teams.delete(team.id) }),
  'team_member.add': scenario({
    actor: 'verifier',
    setup: async (world) => (await world.asVerifier.teams.create(input(world))).team,
    run: (uow, world, team) => uow.teams.addMember(team.id, { userId: world.applicantId, role: 'viewer' }),
  }),
  'team_member.change_role': scenario({
    actor: 'verifier',
    setup: aTeam,
    run: (uow, world, team) => uow.teams.changeRole(team.id, world.applicantId, 'admin'),
  }),
  'team_member.remove': scenario({ actor: 'verifier', setup: aTeam, run: (uow, world, team) => uow.teams.removeMember(team.id, world.applicantId) }),
} satisfies Partial<Record<AuditAction, Scenario>>;
