import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { ForbiddenError } from '../../../core/errors/forbidden-error.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import type { DB } from '../../../schema/db.js';
import { teamCreated, teamDeleted, teamMemberAdded, teamMemberRemoved, teamMemberRoleChanged } from '../form-events.js';
import { teamAggregate, teamMemberAggregate, type Team, type TeamMember } from './team.js';
import {
  AddTeamMemberInputSchema,
  CreateTeamInputSchema,
  TeamRoleSchema,
  type AddTeamMemberInput,
  type CreateTeamInput,
  type TeamRole,
} from './team.inputs.js';
import {
  changeTeamMemberRole,
  deleteTeam,
  deleteTeamMember,
  insertTeam,
  insertTeamMember,
  membersOfTeam,
  takeLiveTeam,
  teamById,
  teamsOfOrganization,
} from './team-statements.js';

/** Teams of organizations and their members. Under the application role, run it in a tenant's unit of work. */
export interface TeamRepository {
  /**
   * Makes a team whose first owner is the acting user (`context.actorUserId`); audited
   * (`team.create`), event `team.created`.
   * @throws ValidationError; ForbiddenError without an acting user, or when it is not an active
   *   user of the organization; UniqueViolationError (`teams_organization_id_slug_key`) for a slug
   *   a live team of the organization has.
   */
  create(input: CreateTeamInput): Promise<{ readonly team: Team; readonly owner: TeamMember }>;
  /** The live team, or `undefined`. */
  findById(id: string): Promise<Team | undefined>;
  /** The organization's live teams, by slug. */
  list(organizationId: string): Promise<Team[]>;
  /**
   * Deletes a team (soft: its slug can be used again); audited (`team.delete`), event `team.deleted`.
   * @throws NotFoundError.
   */
  delete(id: string): Promise<void>;
  /**
   * Adds a user of the team's organization (role `member` unless given); audited
   * (`team_member.add`), event `team.member_added`.
   * @throws NotFoundError (`team`, or `user` when it is not an active user of the team's
   *   organization); UniqueViolationError (`team_members_pkey`) when already a member.
   */
  addMember(teamId: string, input: AddTeamMemberInput): Promise<TeamMember>;
  /**
   * Changes a member's role; audited (`team_member.change_role`), event
   * `team.member_role_changed` (none when the role is the same).
   * @throws NotFoundError when not a member of a live team; CheckViolationError
   *   (`team_members_last_owner`) when it would leave the team without an owner (add the new
   *   owner first, then demote the old one).
   */
  changeRole(teamId: string, userId: string, role: TeamRole): Promise<TeamMember>;
  /**
   * Removes a member; audited (`team_member.remove`), event `team.member_removed`.
   * @throws NotFoundError; CheckViolationError (`team_members_last_owner`) for the last owner.
   */
  removeMember(teamId: string, userId: string): Promise<void>;
  /** A live team's members: owners first, then by when they joined. */
  listMembers(teamId: string): Promise<TeamMember[]>;
}

const teamOf = (row: Team): Team => ({ ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) });
const memberOf = (row: TeamMember): TeamMember => ({
  organizationId: row.organizationId,
  teamId: row.teamId,
  userId: row.userId,
  role: row.role,
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
});

/** Creates the team repository over `db` (a Kysely instance or a transaction). */
export function createTeamRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): TeamRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const idOf = (id: string, path: string) => parseInput(UuidSchema, id, path);
  const takeTeam = async (trx: Kysely<DB>, id: string) => {
    const [team] = await takeLiveTeam(trx, { id });
    if (!team) throw new NotFoundError(teamAggregate.name);
  };

  return withErrorMapping({
    async create(input: CreateTeamInput) {
      const data = parseInput(CreateTeamInputSchema, input, 'input');
      const actor = context.actorUserId;
      if (!actor) throw new ForbiddenError('create team', 'needs an acting user (actorUserId)');
      return inTransaction(db, async (trx) => {
        const [row] = await insertTeam(trx, {
          organizationId: data.organizationId,
          slug: data.slug,
          name: data.name,
          description: data.description ?? null,
          owner: actor,
        });
        if (!row?.team || !row.owner) throw new ForbiddenError('create team', 'the acting user is not an active user of the organization');
        const team = teamOf(row.team);
        const owner = memberOf(row.owner);
        await writeAudit(
          trx,
          context,
          auditEvent(teamAggregate, 'create', {
            entityId: team.id,
            organizationId: team.organizationId,
            after: team,
            event: domainEvent(teamCreated, team.id, {
              teamId: team.id,
              organizationId: team.organizationId,
              slug: team.slug,
              name: team.name,
              ownerUserId: actor,
            }),
          }),
        );
        return { team, owner };
      });
    },
    async findById(id: string) {
      return teamById.first(db, { id: idOf(id, 'id') });
    },
    async list(organizationId: string) {
      return teamsOfOrganization(db, { org: idOf(organizationId, 'organizationId') });
    },
    async delete(id: string) {
      const teamId = idOf(id, 'id');
      await inTransaction(db, async (trx) => {
        const [team] = await deleteTeam(trx, { id: teamId });
        if (!team) throw new NotFoundError(teamAggregate.name);
        await writeAudit(
          trx,
          context,
          auditEvent(teamAggregate, 'delete', {
            entityId: team.id,
            organizationId: team.organizationId,
            before: team,
            event: domainEvent(teamDeleted, team.id, { teamId: team.id, organizationId: team.organizationId, slug: team.slug }),
          }),
        );
      });
    },
    async addMember(teamId: string, input: AddTeamMemberInput) {
      const team = idOf(teamId, 'teamId');
      const data = parseInput(AddTeamMemberInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        await takeTeam(trx, team);
        const [row] = await insertTeamMember(trx, { teamId: team, userId: data.userId, role: data.role ?? 'member' });
        if (!row) throw new NotFoundError('user');
        const member = memberOf(row);
        await writeAudit(
          trx,
          context,
          auditEvent(teamMemberAggregate, 'add', {
            entityId: member.teamId,
            organizationId: member.organizationId,
            after: member,
            event: domainEvent(teamMemberAdded, member.teamId, {
              teamId: member.teamId,
              organizationId: member.organizationId,
              userId: member.userId,
              role: member.role,
              previousRole: null,
            }),
          }),
        );
        return member;
      });
    },
    async changeRole(teamId: string, userId: string, role: TeamRole) {
      const team = idOf(teamId, 'teamId');
      const user = idOf(userId, 'userId');
      const next = parseInput(TeamRoleSchema, role, 'role');
      return inTransaction(db, async (trx) => {
        await takeTeam(trx, team);
        const [row] = await changeTeamMemberRole(trx, { teamId: team, userId: user, role: next });
        if (!row) throw new NotFoundError(teamMemberAggregate.name.replace('_', ' '));
        const { previousRole, ...rest } = row;
        const member = memberOf(rest);
        if (previousRole !== member.role) {
          await writeAudit(
            trx,
            context,
            auditEvent(teamMemberAggregate, 'change_role', {
              entityId: member.teamId,
              organizationId: member.organizationId,
              before: { ...member, role: previousRole as TeamRole },
              after: member,
              event: domainEvent(teamMemberRoleChanged, member.teamId, {
                teamId: member.teamId,
                organizationId: member.organizationId,
                userId: member.userId,
                role: member.role,
                previousRole: previousRole as TeamRole,
              }),
            }),
          );
        }
        return member;
      });
    },
    async removeMember(teamId: string, userId: string) {
      const team = idOf(teamId, 'teamId');
      const user = idOf(userId, 'userId');
      await inTransaction(db, async (trx) => {
        await takeTeam(trx, team);
        const [row] = await deleteTeamMember(trx, { teamId: team, userId: user });
        if (!row) throw new NotFoundError(teamMemberAggregate.name.replace('_', ' '));
        const member = memberOf(row as TeamMember);
        await writeAudit(
          trx,
          context,
          auditEvent(teamMemberAggregate, 'remove', {
            entityId: member.teamId,
            organizationId: member.organizationId,
            before: member,
            event: domainEvent(teamMemberRemoved, member.teamId, { teamId: member.teamId, organizationId: member.organizationId, userId: member.userId }),
          }),
        );
      });
    },
    async listMembers(teamId: string) {
      return (await membersOfTeam(db, { teamId: idOf(teamId, 'teamId') })).map(memberOf);
    },
  });
}
