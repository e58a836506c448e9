-- Supervised terminals (issue 7): learners study only on registered terminals
-- of their own facility, during the facility's learning hours, on one terminal
-- at a time. Times compared on every request (last seen, expiry, session end)
-- are unix milliseconds like session's; dates people read are ISO text.

-- A room of a facility where terminals stand (the supervisor's unit of work).
CREATE TABLE room (
  id INTEGER PRIMARY KEY,
  facility_id INTEGER NOT NULL REFERENCES facility(id),
  name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
  created_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL,
  UNIQUE (facility_id, name),
  -- lets terminal reference (room, facility) so a terminal's room is always
  -- in the terminal's facility
  UNIQUE (id, facility_id)
) STRICT;

-- A device learners may study on. The device opens /terminal, which creates a
-- pending row with a short code shown in large letters and gives the device
-- its credential cookie (<id>.<random>.<HMAC>); a supervisor approves the
-- code into a room. Only an approved, unlocked terminal lets a learner sign in.
CREATE TABLE terminal (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'disabled', 'revoked')),
  -- 'Datorklase 1 — 04'; empty while pending
  name TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 80),
  -- NULL while pending; set by approval
  facility_id INTEGER REFERENCES facility(id),
  room_id INTEGER,
  -- the code the device shows while pending (alphabet without look-alikes),
  -- and when it stops being accepted (unix ms); both NULL once decided
  enrolment_code TEXT UNIQUE,
  enrolment_expires_at INTEGER,
  -- SHA-256 (hex) of the random part of the device credential; the cookie is
  -- verified by its HMAC and by this hash, so replacing the row's hash (or
  -- revoking) invalidates every copy of the cookie
  credential_hash TEXT NOT NULL CHECK (length(credential_hash) = 64),
  -- what the device said when it enrolled (helps the supervisor match it)
  enrolled_ip TEXT,
  enrolled_user_agent TEXT,
  approved_by INTEGER REFERENCES user(id),
  approved_at TEXT,
  -- the supervisor's "lock terminal": no sign-in until unlocked
  locked_at INTEGER,
  locked_by INTEGER REFERENCES user(id),
  lock_reason TEXT CHECK (lock_reason IS NULL OR length(lock_reason) <= 200),
  -- last request carrying this terminal's credential (unix ms, written at most once a minute)
  last_seen_at INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  FOREIGN KEY (room_id, facility_id) REFERENCES room (id, facility_id),
  CHECK (status = 'pending' OR enrolment_code IS NULL),
  CHECK (status != 'approved' OR (facility_id IS NOT NULL AND room_id IS NOT NULL)),
  CHECK ((locked_at IS NULL) = (locked_by IS NULL))
) STRICT;
CREATE INDEX terminal_room ON terminal (facility_id, room_id, status);
CREATE INDEX terminal_pending ON terminal (status, enrolment_expires_at);

-- A facility's weekly learning timetable: learners may be signed in only
-- inside a slot, in Europe/Riga local time. A slot lies within one local day
-- ('00:00'..'24:00'); a slot ending at 24:00 and one starting at 00:00 the
-- next day join into one window across midnight. No slots: closed.
CREATE TABLE learning_slot (
  id INTEGER PRIMARY KEY,
  facility_id INTEGER NOT NULL REFERENCES facility(id),
  -- 1 Monday .. 7 Sunday (ISO, as programme timetables)
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  starts_at TEXT NOT NULL CHECK (starts_at GLOB '[0-2][0-9]:[0-5][0-9]' AND starts_at < '24:00'),
  ends_at TEXT NOT NULL CHECK (ends_at GLOB '[0-2][0-9]:[0-5][0-9]' AND ends_at <= '24:00'),
  CHECK (starts_at < ends_at)
) STRICT;
CREATE INDEX learning_slot_facility ON learning_slot (facility_id, weekday, starts_at);

-- Days a facility has no learning hours whatever the weekly slots say.
CREATE TABLE learning_holiday (
  facility_id INTEGER NOT NULL REFERENCES facility(id),
  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 120),
  PRIMARY KEY (facility_id, date)
) STRICT;

-- A short notice from the supervisor to one terminal, a room, or every
-- terminal of a facility; learners' pages poll and show the ones after the
-- last id they saw, until expires_at.
CREATE TABLE terminal_notice (
  id INTEGER PRIMARY KEY,
  facility_id INTEGER NOT NULL REFERENCES facility(id),
  -- NULL: every room of the facility
  room_id INTEGER REFERENCES room(id),
  -- NULL: every terminal (of the room, when room_id is set)
  terminal_id INTEGER REFERENCES terminal(id),
  message TEXT NOT NULL CHECK (length(trim(message)) BETWEEN 1 AND 200),
  created_by INTEGER REFERENCES user(id),
  -- unix ms
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  CHECK (expires_at > created_at)
) STRICT;
CREATE INDEX terminal_notice_facility ON terminal_notice (facility_id, id);

-- The learner session's terminal and what the learner is doing now (written
-- by the learner heartbeat) for the supervisor's room view. A terminal holds
-- at most one session: a new sign-in on it ends the previous one.
ALTER TABLE session ADD COLUMN terminal_id INTEGER REFERENCES terminal(id);
ALTER TABLE session ADD COLUMN activity_course_id TEXT;
ALTER TABLE session ADD COLUMN activity_item_id INTEGER;
-- unix ms of the last heartbeat from a visible learning page (active vs idle)
ALTER TABLE session ADD COLUMN activity_at INTEGER;
CREATE UNIQUE INDEX session_terminal ON session (terminal_id) WHERE terminal_id IS NOT NULL;

-- Why a session was ended by someone or something other than its owner, kept
-- for a day so the ended page (still holding its cookie) can say why. Keyed
-- by session id (SHA-256 of the token) like session.
CREATE TABLE session_end (
  session_id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN (
    'signed_in_elsewhere', 'terminal_taken', 'ended_by_supervisor', 'hours_over',
    'terminal_locked', 'terminal_disabled', 'terminal_revoked')),
  -- the supervisor who ended it; NULL: the system
  ended_by INTEGER,
  -- unix ms
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX session_end_at ON session_end (at);

-- Quiz answers typed but not yet submitted, saved as the learner goes and
-- before learning hours end; restored when the quiz opens again, removed on
-- submission.
CREATE TABLE quiz_draft (
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  item_id INTEGER NOT NULL REFERENCES course_item(id),
  -- {"<question id>": answer, ...} as the quiz form posts it
  answers_json TEXT NOT NULL CHECK (length(answers_json) <= 100000),
  saved_at TEXT NOT NULL,
  PRIMARY KEY (learner_id, item_id)
) STRICT;
