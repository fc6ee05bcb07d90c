-- Drops workflows, their versions, triggers, executions and steps, and the workflow event types
-- (as the forms migration does for its own).
DROP TABLE workflow_execution_steps;
DROP FUNCTION org_data_workflow_step_append_only();
DROP TABLE workflow_executions;
DROP TABLE workflow_triggers;
DROP TABLE workflow_versions;
DROP FUNCTION org_data_workflow_version_contiguous();
DROP FUNCTION org_data_workflow_version_immutable();
DROP TABLE workflows;
DROP FUNCTION org_data_workflow_published_version();
DELETE FROM event_types WHERE code IN ('workflow.created', 'workflow.updated', 'workflow.draft_saved', 'workflow.published',
  'workflow.rolled_back', 'workflow.archived', 'workflow.restored', 'workflow.deleted', 'workflow_trigger.added',
  'workflow_trigger.deactivated', 'workflow_execution.started', 'workflow_execution.advanced', 'workflow_execution.waiting', 'workflow_execution.resumed',
  'workflow_execution.completed', 'workflow_execution.failed', 'workflow_execution.cancelled', 'workflow_execution.timed_out',
  'workflow.signal');
