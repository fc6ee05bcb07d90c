-- Teams (issue 13, first part): per organization, a named group of its users that forms and
-- submissions will be assigned to and shared with. Additive and not breaking: services on 0.9.0
-- never touch these tables.
--
-- Invariant: a live team always has at least one owner, also when two owners demote or remove
-- each other at the same moment. A trigger on team_members serializes every change that takes
-- an owner away on the team's row (an UPDATE of it: under READ COMMITTED the second change waits
-- and then counts the owners the first one left; under REPEATABLE READ or SERIALIZABLE it fails
-- with a serialization failure, 40001, which unitOfWork's `retry` re-runs when asked) and
-- refuses the change that would leave none (23514, constraint team_members_last_owner); a
-- deferred constraint trigger on teams refuses, at COMMIT, a live team without an owner
-- (inserted without one, or restored after its owners left: teams_has_owner).
CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  slug text NOT NULL,
  name text NOT NULL,
  description text,
  deleted_at timestamptz,
  -- The target of the members' tenant-scoped foreign key; leads with organization_id, so it is
  -- also the index of the organization's foreign key.
  CONSTRAINT teams_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT teams_slug_format CHECK (length(slug) <= 63 AND slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  CONSTRAINT teams_name_length CHECK (length(name) <= 200 AND name ~ '[^[:space:]]'),
  CONSTRAINT teams_description_length CHECK (length(description) <= 1000),
  CONSTRAINT teams_deleted_after_created CHECK (deleted_at >= created_at)
);

-- A slug names one live team per organization; a deleted team's slug can be taken again.
CREATE UNIQUE INDEX teams_organization_id_slug_key ON teams (organization_id, slug) WHERE deleted_at IS NULL;

CREATE TRIGGER teams_set_updated_at BEFORE UPDATE ON teams
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('teams', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (name, description, deleted_at, updated_at) ON teams TO org_data_app;

CREATE TABLE team_members (
  organization_id uuid NOT NULL,
  team_id uuid NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, user_id),
  CONSTRAINT team_members_team_id_fkey FOREIGN KEY (organization_id, team_id) REFERENCES teams (organization_id, id),
  CONSTRAINT team_members_user_id_fkey FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id),
  CONSTRAINT team_members_role_values CHECK (role IN ('owner', 'admin', 'member', 'viewer'))
);

CREATE INDEX team_members_team_idx ON team_members (organization_id, team_id);
CREATE INDEX team_members_user_idx ON team_members (organization_id, user_id);

CREATE TRIGGER team_members_set_updated_at BEFORE UPDATE ON team_members
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('team_members', app_privileges => 'SELECT, INSERT, DELETE');
GRANT UPDATE (role, updated_at) ON team_members TO org_data_app;

-- Refuses a change of team_members that leaves a live team without an owner (see above): a
-- demotion, a removal, or an owner's row moved to another team. Fails closed: a team it cannot
-- see (and so cannot serialize on) refuses the change too.
CREATE FUNCTION org_data_keep_team_owner() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  live boolean;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.role = 'owner' AND NEW.team_id = OLD.team_id THEN
    RETURN NULL;
  END IF;
  -- Serialize the owner changes of this team: the team's row is updated (not only locked), so
  -- a concurrent change in a snapshot transaction fails with 40001 instead of counting stale rows.
  UPDATE public.teams SET updated_at = now() WHERE id = OLD.team_id RETURNING deleted_at IS NULL INTO live;
  IF NOT FOUND OR (live AND NOT EXISTS (SELECT 1 FROM public.team_members WHERE team_id = OLD.team_id AND role = 'owner')) THEN
    RAISE EXCEPTION 'a team keeps at least one owner'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'team_members_last_owner', TABLE = 'team_members', SCHEMA = 'public';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER team_members_last_owner AFTER UPDATE OR DELETE ON team_members
  FOR EACH ROW WHEN (OLD.role = 'owner') EXECUTE FUNCTION org_data_keep_team_owner();

-- A team that is (or becomes again) live must have an owner when its transaction commits: a
-- team inserted without one, or restored (deleted_at back to NULL) after its owners left, is
-- refused at COMMIT (23514, constraint teams_has_owner). Deferred, so a team and its first
-- owner can be inserted by two statements of one transaction.
CREATE FUNCTION org_data_team_has_owner() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF NEW.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM public.team_members WHERE team_id = NEW.id AND role = 'owner') THEN
    RAISE EXCEPTION 'a team keeps at least one owner'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'teams_has_owner', TABLE = 'teams', SCHEMA = 'public';
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER teams_has_owner AFTER INSERT OR UPDATE OF deleted_at ON teams
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION org_data_team_has_owner();

INSERT INTO event_types (code, description, payload_version) VALUES
  ('team.created', 'A team was created, with its first owner.', 1),
  ('team.deleted', 'A team was deleted.', 1),
  ('team.member_added', 'A user was added to a team with a role.', 1),
  ('team.member_role_changed', 'A team member''s role changed.', 1),
  ('team.member_removed', 'A user was removed from a team.', 1)
ON CONFLICT (code) DO NOTHING;
