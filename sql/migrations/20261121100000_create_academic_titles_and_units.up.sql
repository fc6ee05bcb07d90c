-- Lookup of academic titles (global). Adding a title is an INSERT, never DDL.
CREATE TABLE academic_titles (
  code text PRIMARY KEY,
  label_vi text NOT NULL,
  label_en text NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT academic_titles_code_format CHECK (length(code) <= 64 AND code ~ '^[a-z][a-z0-9_]*$'),
  CONSTRAINT academic_titles_label_vi_length CHECK (length(label_vi) <= 200 AND label_vi ~ '[^[:space:]]'),
  CONSTRAINT academic_titles_label_en_length CHECK (length(label_en) <= 200 AND label_en ~ '[^[:space:]]')
);

CREATE TRIGGER academic_titles_set_updated_at BEFORE UPDATE ON academic_titles
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Idempotent seed: rows that exist are left as they are.
INSERT INTO academic_titles (code, label_vi, label_en, sort_order) VALUES
  ('none', 'Không', 'None', 0),
  ('bachelor', 'Cử nhân', 'Bachelor', 10),
  ('engineer', 'Kỹ sư', 'Engineer', 15),
  ('master', 'Thạc sĩ', 'Master', 20),
  ('doctor', 'Tiến sĩ', 'Doctor', 30),
  ('associate_professor', 'Phó Giáo sư', 'Associate Professor', 40),
  ('professor', 'Giáo sư', 'Professor', 50),
  ('other', 'Khác', 'Other', 90)
ON CONFLICT (code) DO NOTHING;

-- Units: the one notion of where a person works (tenant-owned). No free-text department.
CREATE TABLE units (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  code text NOT NULL,
  name text NOT NULL,
  parent_unit_id uuid,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT units_organization_id_code_key UNIQUE (organization_id, code),
  -- Target of composite FKs, so a row can only point at a unit of its own organization.
  CONSTRAINT units_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT units_parent_unit_id_fkey FOREIGN KEY (organization_id, parent_unit_id)
    REFERENCES units (organization_id, id),
  CONSTRAINT units_not_own_parent CHECK (parent_unit_id <> id),
  CONSTRAINT units_code_format CHECK (length(code) <= 64 AND code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]*$'),
  CONSTRAINT units_name_length CHECK (length(name) <= 200 AND name ~ '[^[:space:]]')
);

CREATE INDEX units_organization_id_parent_unit_id_idx ON units (organization_id, parent_unit_id);

CREATE TRIGGER units_set_updated_at BEFORE UPDATE ON units
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
