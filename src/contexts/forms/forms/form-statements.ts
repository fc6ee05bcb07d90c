// The form repository's statements: the versioned-aggregate statements (core/versioning) over
// `forms` and `form_versions`, compiled once per process.
import { parentOfRow, versionedStatements, type VersionedParentRow } from '../../../core/versioning/versioned-statements.js';
import type { Form, FormVersion, FormVersionSummary } from './form.js';

/** A form row as the statements return it (`to_jsonb` of the row, then mapped by {@link formOfRow}). */
export type FormRow = VersionedParentRow;

const statements = versionedStatements<Form, FormVersion, FormVersionSummary>({
  parent: 'forms',
  versions: 'form_versions',
  parentKey: 'form_id',
  parentKeyField: 'formId',
});

/** Makes a live form (no version yet: {@link insertFormVersion} numbers the first 1). */
export const insertForm = statements.insertParent;
/** Makes the form's next version, a draft numbered latest + 1 (nothing when the form is not live). */
export const insertFormVersion = statements.insertVersion;
/** Replaces a draft's definition at the expected revision; one row with the draft after and the version before. */
export const updateDraftDefinition = statements.updateDraftDefinition;
/** Publishes a draft if the published version is the expected one; one row with the form before and after. */
export const publishFormVersion = statements.publishVersion;
/** Points a published form at another of its published versions. */
export const repointForm = statements.repoint;
/** Moves a live form from one of `from` to `to`. */
export const changeFormStatus = statements.changeStatus;
/** Renames / redescribes a live form. */
export const updateForm = statements.updateParent;
/** Marks a live form deleted. */
export const deleteForm = statements.deleteParent;
/** The live form with this id. */
export const formById = statements.parentById;
/** The organization's live forms, by slug. */
export const formsOfOrganization = statements.parentsOfOrganization;
/** Version `version` of a live form, with its definition. */
export const formVersionByNumber = statements.versionByNumber;
/** The version a live, published form points at, with its definition. */
export const acceptingFormVersion = statements.publishedVersion;
/** A live form's versions without their definitions, newest first. */
export const versionsOfForm = statements.versionsOf;

/** A form row as JSON → {@link Form}. */
export const formOfRow = (row: FormRow): Form => parentOfRow<Form>(row);
