-- Drops the form collaborators. The roles form_viewer, form_editor and form_publisher and the
-- permissions form:edit, form:publish and submission:read are kept when a user holds one of
-- those roles (user_roles; deleting would fail), dropped otherwise. Events of the two types stay.
DROP TABLE form_collaborators;
DELETE FROM roles r WHERE r.name IN ('form_viewer', 'form_editor', 'form_publisher')
  AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.role_id = r.id);
DELETE FROM permissions p WHERE p.name IN ('form:edit', 'form:publish', 'submission:read')
  AND NOT EXISTS (SELECT 1 FROM role_permissions rp JOIN roles r ON r.id = rp.role_id
                  WHERE rp.permission_id = p.id AND r.name NOT IN ('form_viewer', 'form_editor', 'form_publisher', 'admin'));
DELETE FROM event_types WHERE code IN ('form.collaborator_added', 'form.collaborator_removed');
