-- Foundation: facilities, users and learners, sessions, login throttling,
-- the hash-chained audit log. Forward only: never edit an applied migration.

CREATE TABLE facility (
  id INTEGER PRIMARY KEY,
  -- short admin-defined code used by the prison register (OLA, ILG, ...)
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE user (
  id INTEGER PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'education_staff', 'teacher', 'supervisor', 'learner', 'released')),
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
CREATE INDEX user_facility ON user (facility_id, role);

-- Extra facilities a staff user may act on besides their home facility.
CREATE TABLE facility_grant (
  user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  facility_id INTEGER NOT NULL REFERENCES facility(id),
  granted_at TEXT NOT NULL,
  PRIMARY KEY (user_id, facility_id)
) STRICT;

CREATE TABLE learner (
  id INTEGER PRIMARY KEY,
  -- the in-custody account (role 'learner')
  user_id INTEGER NOT NULL UNIQUE REFERENCES user(id),
  -- the prison register's number; never a personal code
  inmate_number TEXT NOT NULL UNIQUE,
  surname TEXT NOT NULL,
  given_names TEXT NOT NULL,
  birth_year INTEGER,
  education_level TEXT NOT NULL CHECK (education_level IN ('none', 'primary', 'basic', 'secondary', 'vocational', 'higher')),
  latvian_level TEXT NOT NULL CHECK (latvian_level IN ('none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
  expected_release_date TEXT CHECK (expected_release_date IS NULL OR expected_release_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  status TEXT NOT NULL DEFAULT 'in_custody' CHECK (status IN ('in_custody', 'released', 'transferred')),
  -- the released person's portal account, once activated
  portal_user_id INTEGER UNIQUE REFERENCES user(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX learner_release ON learner (status, expected_release_date);

CREATE TABLE session (
  -- SHA-256 of the session token (hex); the token itself is never stored
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_active_at INTEGER NOT NULL,
  -- absolute end of the session (unix ms), whatever the activity
  expires_at INTEGER NOT NULL,
  ip TEXT,
  user_agent TEXT
) STRICT;
CREATE INDEX session_user ON session (user_id);

CREATE TABLE login_throttle (
  -- 'account:<login>' or 'ip:<address>'
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL,
  -- no attempt is checked before this time (unix ms)
  blocked_until INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  -- no foreign keys: the log outlives what it describes
  actor_user_id INTEGER,
  actor_label TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT,
  target_id TEXT,
  facility_id INTEGER,
  ip TEXT,
  details TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX audit_action ON audit_log (action, id);
CREATE INDEX audit_actor ON audit_log (actor_user_id, id);
CREATE INDEX audit_facility ON audit_log (facility_id, id);
CREATE INDEX audit_target ON audit_log (target_type, target_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
