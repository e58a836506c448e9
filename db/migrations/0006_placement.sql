-- Career consultations, programmes, placement with seats and a waiting list,
-- and the learner's path through transfers and release.

-- A programme: a course (or an ordered sequence of courses) offered at one
-- facility, with dates, a weekly timetable, seats, teachers and prerequisites.
CREATE TABLE programme (
  id INTEGER PRIMARY KEY,
  facility_id INTEGER NOT NULL REFERENCES facility(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  starts_on TEXT NOT NULL CHECK (starts_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  ends_on TEXT NOT NULL CHECK (ends_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 500),
  language TEXT NOT NULL CHECK (language IN ('lv', 'en', 'ru')),
  -- prerequisites; NULL: none
  min_education TEXT CHECK (min_education IS NULL OR min_education IN ('none', 'primary', 'basic', 'secondary', 'vocational', 'higher')),
  min_latvian TEXT CHECK (min_latvian IS NULL OR min_latvian IN ('none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
  prerequisite_course_id TEXT REFERENCES course(id),
  -- can be finished after release (e.g. continued with the State Employment Agency)
  continues_after_release INTEGER NOT NULL DEFAULT 0 CHECK (continues_after_release IN (0, 1)),
  -- occupational interests it serves (codes of INTERESTS, JSON array)
  interests_json TEXT NOT NULL DEFAULT '[]',
  -- weekly timetable: [{"day": 1-7 (Monday 1), "from": "09:00", "to": "11:30"}]
  timetable_json TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (ends_on >= starts_on)
) STRICT;
CREATE INDEX programme_facility ON programme (facility_id, status);

CREATE TABLE programme_course (
  programme_id INTEGER NOT NULL REFERENCES programme(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  course_id TEXT NOT NULL REFERENCES course(id),
  PRIMARY KEY (programme_id, position),
  UNIQUE (programme_id, course_id)
) STRICT;

CREATE TABLE programme_teacher (
  programme_id INTEGER NOT NULL REFERENCES programme(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES user(id),
  PRIMARY KEY (programme_id, user_id)
) STRICT;

-- A learner's place in a programme: on the waiting list, enrolled, and how it ended.
-- Enrolled learners get an `enrolment` row per course of the programme (study access).
CREATE TABLE placement (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  programme_id INTEGER NOT NULL REFERENCES programme(id),
  status TEXT NOT NULL CHECK (status IN ('waitlisted', 'enrolled', 'completed', 'withdrawn', 'failed', 'transferred', 'released_before_completion')),
  -- recommended by the learner's consultation (raises waiting-list priority)
  recommended INTEGER NOT NULL DEFAULT 0 CHECK (recommended IN (0, 1)),
  waitlisted_at TEXT,
  -- a freed seat offered to this waiting learner (staff confirm the enrolment)
  offered_at TEXT,
  enrolled_at TEXT,
  status_at TEXT NOT NULL,
  -- why it ended (withdrawn, failed, ...), in the staff's words
  reason TEXT,
  -- what the learner had achieved when it ended (JSON: per course percent, completed)
  outcome_json TEXT,
  created_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX placement_open ON placement (learner_id, programme_id) WHERE status IN ('waitlisted', 'enrolled');
CREATE INDEX placement_programme ON placement (programme_id, status);
CREATE INDEX placement_learner ON placement (learner_id, status);

-- Every status change of a placement: who, when, why.
CREATE TABLE placement_event (
  id INTEGER PRIMARY KEY,
  placement_id INTEGER NOT NULL REFERENCES placement(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT,
  actor_id INTEGER REFERENCES user(id),
  at TEXT NOT NULL
) STRICT;
CREATE INDEX placement_event_placement ON placement_event (placement_id, id);

ALTER TABLE enrolment ADD COLUMN placement_id INTEGER REFERENCES placement(id);

-- A career consultation (or the consultation before release, with its checklist).
CREATE TABLE consultation (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  -- where the learner was when it was held (history follows the learner through transfers)
  facility_id INTEGER NOT NULL REFERENCES facility(id),
  kind TEXT NOT NULL CHECK (kind IN ('career', 'pre_release')),
  held_on TEXT NOT NULL CHECK (held_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  mode TEXT NOT NULL CHECK (mode IN ('in_person', 'online')),
  consultant_id INTEGER REFERENCES user(id),
  education_history TEXT NOT NULL DEFAULT '',
  work_history TEXT NOT NULL DEFAULT '',
  -- codes of INTERESTS (JSON array)
  interests_json TEXT NOT NULL DEFAULT '[]',
  strengths TEXT NOT NULL DEFAULT '',
  constraints TEXT NOT NULL DEFAULT '',
  latvian_level TEXT CHECK (latvian_level IS NULL OR latvian_level IN ('none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
  goal_after_release TEXT NOT NULL DEFAULT '',
  -- recommended directions: codes of INTERESTS (JSON array)
  recommended_json TEXT NOT NULL DEFAULT '[]',
  notes TEXT NOT NULL DEFAULT '',
  next_on TEXT CHECK (next_on IS NULL OR next_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  -- pre-release checklist: {"documents": bool, "nvaRegistration": bool, "housing": bool, "contacts": bool}
  checklist_json TEXT,
  created_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX consultation_learner ON consultation (learner_id, held_on);

-- Where a learner has been: admission and every transfer.
CREATE TABLE learner_move (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  from_facility_id INTEGER REFERENCES facility(id),
  to_facility_id INTEGER REFERENCES facility(id),
  kind TEXT NOT NULL CHECK (kind IN ('admission', 'transfer', 'release')),
  on_date TEXT NOT NULL,
  reason TEXT,
  actor_id INTEGER REFERENCES user(id),
  at TEXT NOT NULL
) STRICT;
CREATE INDEX learner_move_learner ON learner_move (learner_id, id);

ALTER TABLE learner ADD COLUMN released_on TEXT CHECK (released_on IS NULL OR released_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
