import { definitionSha256 } from '../../forms/index.js';
import { parseWorkflowDefinition, type WorkflowDefinition } from '../definitions/workflow-definition.js';

/**
 * A workflow definition checked by the meta-schema and the graph checks, with the sha256 of its
 * canonical JSON (`workflow_versions.definition_sha256`).
 * @throws ValidationError (issues under `path`).
 */
export function checkedDefinition(input: unknown, path: string): { readonly definition: WorkflowDefinition; readonly sha256: string } {
  const definition = parseWorkflowDefinition(input, path);
  return { definition, sha256: definitionSha256(definition) };
}
