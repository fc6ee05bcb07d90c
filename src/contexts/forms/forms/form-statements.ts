// The form repository's statements: the versioned-aggregate statements (core/versioning) over
// `forms` and `form_versions`, compiled once per process.
import { versionedStatements } from '../../../core/versioning/versioned-statements.js';
import type { Form, FormVersion, FormVersionSummary } from './form.js';

/** The statements of forms and their versions. */
export const formStatements = versionedStatements<Form, FormVersion, FormVersionSummary>({
  parent: 'forms',
  versions: 'form_versions',
  parentKey: 'form_id',
  parentKeyField: 'formId',
});

/** The version a live, published form accepts submissions to, with its definition. */
export const acceptingFormVersion = formStatements.publishedVersion;
