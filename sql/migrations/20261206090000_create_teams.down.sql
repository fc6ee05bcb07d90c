-- Drops the teams and their members. Events of the five types stay in domain_events.
DROP TABLE team_members;
DROP FUNCTION org_data_keep_team_owner();
DROP TABLE teams;
DROP FUNCTION org_data_team_has_owner();
DELETE FROM event_types WHERE code IN ('team.created', 'team.deleted', 'team.member_added', 'team.member_role_changed', 'team.member_removed');
