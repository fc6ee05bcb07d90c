-- Organizations: the tenants. Every tenant-owned table carries organization_id.

-- Keeps updated_at current on every UPDATE; shared by every table's trigger.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL,
  name text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  -- The alternation is anchored on '-', so the engine never has two ways to match a character.
  CONSTRAINT organizations_slug_format CHECK (length(slug) <= 63 AND slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  -- Not blank (any whitespace, not only spaces) and at most 200 characters.
  CONSTRAINT organizations_name_length CHECK (length(name) <= 200 AND name ~ '[^[:space:]]'),
  CONSTRAINT organizations_settings_is_object CHECK (jsonb_typeof(settings) = 'object')
);

CREATE UNIQUE INDEX organizations_slug_key ON organizations (slug) WHERE deleted_at IS NULL;

CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
