-- H5P activities in lessons, their results per learner and attempt, the
-- learner's saved H5P state, and essays that wait for a teacher's grade.

-- Secrets the server generates for itself (e.g. the key that signs H5P player
-- links). Never shown, never exported; a restored backup keeps them.
CREATE TABLE app_secret (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- The .h5p file exactly as uploaded, once per content hash: course packages
-- and exports carry these bytes, so an export round trip is byte-identical,
-- and the unpacked files on disk can always be rebuilt from the database.
CREATE TABLE h5p_package (
  hash TEXT PRIMARY KEY,
  bytes BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

ALTER TABLE h5p_content ADD COLUMN package_hash TEXT REFERENCES h5p_package(hash);
CREATE UNIQUE INDEX h5p_content_package ON h5p_content (package_hash) WHERE package_hash IS NOT NULL;

-- A lesson version with an H5P activity: which stored content it plays and
-- its pass threshold ({"file": "activities/x.h5p", "passPercent": 70}).
ALTER TABLE course_item_version ADD COLUMN h5p_content_id INTEGER REFERENCES h5p_content(id);
ALTER TABLE course_item_version ADD COLUMN activity_json TEXT;

-- One scored xAPI statement (answered/completed) of a learner on an activity.
CREATE TABLE h5p_result (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  item_id INTEGER NOT NULL REFERENCES course_item(id),
  version_id INTEGER NOT NULL REFERENCES course_item_version(id),
  content_id INTEGER NOT NULL REFERENCES h5p_content(id),
  -- one page visit of the player (random, from the learner's page)
  attempt_key TEXT NOT NULL,
  verb TEXT NOT NULL CHECK (verb IN ('answered', 'completed')),
  raw REAL NOT NULL,
  max REAL NOT NULL,
  percent REAL NOT NULL,
  passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
  -- 'scored': counted as the player scored it; 'pending': an essay waiting for
  -- the teacher (raw/percent hold the player's suggestion); 'graded': the
  -- teacher's score replaced it
  status TEXT NOT NULL CHECK (status IN ('scored', 'pending', 'graded')),
  -- the learner's text answer (essays), if any
  response TEXT,
  statement_json TEXT NOT NULL,
  received_at TEXT NOT NULL,
  graded_by INTEGER REFERENCES user(id),
  graded_at TEXT,
  comment TEXT
) STRICT;
CREATE INDEX h5p_result_learner ON h5p_result (learner_id, item_id, id);
CREATE INDEX h5p_result_pending ON h5p_result (item_id) WHERE status = 'pending';

-- The learner's H5P state (contentUserData) so they resume where they left.
CREATE TABLE h5p_state (
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  item_id INTEGER NOT NULL REFERENCES course_item(id),
  -- a state belongs to one content: a replaced activity starts fresh
  content_id INTEGER NOT NULL REFERENCES h5p_content(id),
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (learner_id, item_id)
) STRICT;

-- Quizzes with long-answer (essay) questions: the attempt waits for the
-- teacher; review_json holds the teacher's points and comment per question.
ALTER TABLE quiz_attempt ADD COLUMN status TEXT NOT NULL DEFAULT 'graded' CHECK (status IN ('graded', 'pending'));
ALTER TABLE quiz_attempt ADD COLUMN graded_by INTEGER REFERENCES user(id);
ALTER TABLE quiz_attempt ADD COLUMN graded_at TEXT;
ALTER TABLE quiz_attempt ADD COLUMN review_json TEXT;
CREATE INDEX quiz_attempt_pending ON quiz_attempt (item_id) WHERE status = 'pending';
