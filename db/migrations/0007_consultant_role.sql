-- foreign-keys: off
-- The employment-agency (NVA) consultant: a staff account that records career
-- consultations for the learners of its prison and nothing else. SQLite cannot
-- change a CHECK constraint in place, so the user table is rebuilt (SQLite's
-- documented 12-step procedure; the migration runner turns foreign keys off
-- for it and checks every reference before committing).

CREATE TABLE user_new (
  id INTEGER PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'education_staff', 'teacher', 'supervisor', 'learner', 'released', 'consultant')),
  -- sign-in name of staff and released persons; learners sign in with their inmate number
  username TEXT UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  -- home facility (staff, learners); NULL for admins and released persons
  facility_id INTEGER REFERENCES facility(id),
  -- scrypt hash of the password (staff, released) or PIN (learners)
  secret_hash TEXT,
  preferred_locale TEXT NOT NULL DEFAULT 'lv' CHECK (preferred_locale IN ('lv', 'en', 'ru')),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((role = 'learner') = (username IS NULL))
) STRICT;
INSERT INTO user_new (id, role, username, display_name, facility_id, secret_hash, preferred_locale, active, created_at, updated_at)
  SELECT id, role, username, display_name, facility_id, secret_hash, preferred_locale, active, created_at, updated_at FROM user;
DROP TABLE user;
ALTER TABLE user_new RENAME TO user;
CREATE INDEX user_facility ON user (facility_id, role);
