-- The released-person portal (issue 6): on release, staff print a one-time
-- activation code; the person opens the portal from any network, gives the
-- code and their birth date, and chooses a password for a 'released' account
-- (linked through learner.portal_user_id). A lost password is reset by
-- issuing a new code, which supersedes the old one.

-- The full birth date, asked for together with the activation code (the one
-- detail the person knows that is not on the code's sheet). Staff enter or
-- confirm it when they issue a code. It must agree with birth_year, which the
-- prison register keeps: a date that disagrees is refused, and a register
-- update that changes the year drops a date that no longer agrees (staff
-- confirm it again at the next code).
ALTER TABLE learner ADD COLUMN birth_date TEXT CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');

CREATE TRIGGER learner_birth_date_insert BEFORE INSERT ON learner
WHEN NEW.birth_date IS NOT NULL AND NEW.birth_year IS NOT NULL AND CAST(substr(NEW.birth_date, 1, 4) AS INTEGER) <> NEW.birth_year
BEGIN SELECT RAISE(ABORT, 'learner.birth_date disagrees with birth_year'); END;

CREATE TRIGGER learner_birth_date_update BEFORE UPDATE OF birth_date ON learner
WHEN NEW.birth_date IS NOT NULL AND NEW.birth_year IS NOT NULL AND CAST(substr(NEW.birth_date, 1, 4) AS INTEGER) <> NEW.birth_year
BEGIN SELECT RAISE(ABORT, 'learner.birth_date disagrees with birth_year'); END;

CREATE TRIGGER learner_birth_year_update AFTER UPDATE OF birth_year ON learner
WHEN NEW.birth_date IS NOT NULL AND NEW.birth_year IS NOT NULL AND CAST(substr(NEW.birth_date, 1, 4) AS INTEGER) <> NEW.birth_year
BEGIN UPDATE learner SET birth_date = NULL WHERE id = NEW.id; END;

CREATE TABLE portal_activation (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  -- SHA-256 (lowercase hex) of the normalized code (upper case, no dashes or
  -- spaces); the code itself is printed once and never stored
  code_hash TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),
  -- the released account the code activates: created (inactive, without a
  -- password) when the first code is issued, so the sign-in name printed on
  -- the sheet is reserved
  user_id INTEGER NOT NULL REFERENCES user(id),
  created_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL,
  -- created_at + 90 days (ISO 8601 with milliseconds); usable up to and including this instant
  expires_at TEXT NOT NULL,
  -- set once, in the transaction that sets the password (single use)
  used_at TEXT,
  -- set when a newer code is issued for the same learner
  superseded_at TEXT,
  CHECK (used_at IS NULL OR superseded_at IS NULL)
) STRICT;
CREATE INDEX portal_activation_learner ON portal_activation (learner_id, id);
-- At most one code per learner is open (neither used nor superseded).
CREATE UNIQUE INDEX portal_activation_open ON portal_activation (learner_id) WHERE used_at IS NULL AND superseded_at IS NULL;
