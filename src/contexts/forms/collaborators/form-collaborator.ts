import { defineAggregate } from '../../../core/kernel/aggregate.js';

/** A user or a team holding a role on one form. */
export interface FormCollaborator {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization. */
  readonly organizationId: string;
  /** The form. */
  readonly formId: string;
  /** The user, or `null` for a team. */
  readonly userId: string | null;
  /** The team, or `null` for a user. */
  readonly teamId: string | null;
  /** The role's name, e.g. `form_editor`. */
  readonly role: string;
  /** Who added it; `null` when no acting user was known. */
  readonly createdBy: string | null;
  /** When it was added. */
  readonly createdAt: Date;
}

/** Collaborators of forms (recorded as `form.add_collaborator`, `form.remove_collaborator`). */
export const formCollaboratorAggregate = defineAggregate<FormCollaborator>()({
  name: 'form_collaborator',
  table: 'form_collaborators',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    formId: 'form_id',
    userId: 'user_id',
    teamId: 'team_id',
    createdBy: 'created_by',
    createdAt: 'created_at',
  },
  audited: ['id', 'formId', 'userId', 'teamId', 'role'],
  actions: ['add_collaborator', 'remove_collaborator'],
  actionPrefix: 'form',
});

/** The form-scoped roles a new database has (the migration seeds them with their permissions). */
export const FORM_ROLES = Object.freeze({
  /** `submission:read`. */
  form_viewer: ['submission:read'],
  /** `form:edit`, `submission:read`. */
  form_editor: ['form:edit', 'submission:read'],
  /** `form:edit`, `form:publish`, `submission:read`. */
  form_publisher: ['form:edit', 'form:publish', 'submission:read'],
} as const);
