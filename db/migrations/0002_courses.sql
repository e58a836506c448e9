-- Courses as content packages, enrolment (minimal; the placement issue extends it),
-- lesson progress, quiz attempts, time on task and completions.

CREATE TABLE course (
  -- the package id (folder name under courses/)
  id TEXT PRIMARY KEY,
  track TEXT NOT NULL CHECK (track IN ('general-education', 'state-language', 'vocational', 'life-skills')),
  level TEXT NOT NULL,
  qualification_level INTEGER,
  hours INTEGER NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('lv', 'en', 'ru')),
  -- {"lv": …, "en": …, "ru": …}
  title_json TEXT NOT NULL,
  summary_json TEXT NOT NULL,
  -- prerequisites and pass rules as validated from the manifest
  prerequisites_json TEXT NOT NULL,
  pass_rules_json TEXT NOT NULL,
  -- hash over the whole package; unchanged packages are skipped by the sync
  content_hash TEXT NOT NULL,
  -- a package that disappeared from courses/ is archived, never deleted
  archived_at TEXT,
  synced_at TEXT NOT NULL
) STRICT;

CREATE TABLE course_item (
  id INTEGER PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES course(id),
  -- '<module-id>/<file name>': stable across edits, so progress survives them
  item_key TEXT NOT NULL,
  module_id TEXT NOT NULL,
  module_title TEXT NOT NULL,
  module_position INTEGER NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('lesson', 'quiz')),
  title TEXT NOT NULL,
  required INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1)),
  minutes INTEGER NOT NULL DEFAULT 0,
  current_version_id INTEGER,
  -- removed from the package: hidden from learners, history kept
  archived_at TEXT,
  UNIQUE (course_id, item_key)
) STRICT;
CREATE INDEX course_item_order ON course_item (course_id, module_position, position);

CREATE TABLE course_item_version (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES course_item(id),
  content_hash TEXT NOT NULL,
  -- lesson: the Markdown source; quiz: the validated quiz as JSON
  source TEXT NOT NULL,
  -- lesson: the rendered HTML, cached by content hash (never rebuilt per request)
  html TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (item_id, content_hash)
) STRICT;

-- Pictures of course packages, stored once by content hash.
CREATE TABLE media (
  hash TEXT PRIMARY KEY,
  content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  bytes BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE enrolment (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  course_id TEXT NOT NULL REFERENCES course(id),
  status TEXT NOT NULL CHECK (status IN ('waitlisted', 'enrolled', 'completed', 'withdrawn', 'failed', 'transferred', 'released_before_completion')),
  enrolled_at TEXT NOT NULL,
  -- when the status last changed
  status_at TEXT NOT NULL,
  enrolled_by INTEGER REFERENCES user(id)
) STRICT;
CREATE INDEX enrolment_learner ON enrolment (learner_id, status);
CREATE INDEX enrolment_course ON enrolment (course_id, status);
-- one open enrolment per learner and course
CREATE UNIQUE INDEX enrolment_open ON enrolment (learner_id, course_id) WHERE status IN ('waitlisted', 'enrolled');

-- Teachers of a course (they see its gradebook for the learners of their facilities).
CREATE TABLE course_teacher (
  course_id TEXT NOT NULL REFERENCES course(id),
  user_id INTEGER NOT NULL REFERENCES user(id),
  PRIMARY KEY (course_id, user_id)
) STRICT;

-- One row per learner and lesson marked done.
CREATE TABLE lesson_progress (
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  item_id INTEGER NOT NULL REFERENCES course_item(id),
  -- the version the learner read when marking it done
  version_id INTEGER NOT NULL REFERENCES course_item_version(id),
  done_at TEXT NOT NULL,
  PRIMARY KEY (learner_id, item_id)
) STRICT;

CREATE TABLE quiz_attempt (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  item_id INTEGER NOT NULL REFERENCES course_item(id),
  -- graded against this version of the quiz
  version_id INTEGER NOT NULL REFERENCES course_item_version(id),
  submitted_at TEXT NOT NULL,
  score INTEGER NOT NULL,
  max_score INTEGER NOT NULL,
  percent REAL NOT NULL,
  passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
  -- the learner's answers and the per-question result
  answers_json TEXT NOT NULL
) STRICT;
CREATE INDEX quiz_attempt_learner ON quiz_attempt (learner_id, item_id, id);

-- Active time on an item, credited from visible-page heartbeats (capped per interval).
CREATE TABLE time_on_task (
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  item_id INTEGER NOT NULL REFERENCES course_item(id),
  seconds INTEGER NOT NULL DEFAULT 0,
  last_active_at TEXT NOT NULL,
  PRIMARY KEY (learner_id, item_id)
) STRICT;

-- A course completed under its pass rules, with the evidence at that moment.
CREATE TABLE course_completion (
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  course_id TEXT NOT NULL REFERENCES course(id),
  completed_at TEXT NOT NULL,
  evidence_json TEXT NOT NULL,
  PRIMARY KEY (learner_id, course_id)
) STRICT;
