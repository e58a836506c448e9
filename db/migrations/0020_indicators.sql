-- Indicators for the education department and its funders (issue 15).

-- Sex as the prison register states it (optional roster column): M or F;
-- NULL when the register does not supply it. Used only in counted breakdowns.
ALTER TABLE learner ADD COLUMN sex TEXT CHECK (sex IS NULL OR sex IN ('M', 'F'));

-- Active time on task per learner, course and day (UTC date), written with
-- time_on_task. Hours delivered in a period are summed from here: the per-item
-- total in time_on_task has no dates, and a day grain keeps a national year
-- a few hundred thousand rows at most (the indicators pre-aggregate by day).
CREATE TABLE learning_day (
  day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  course_id TEXT NOT NULL REFERENCES course(id),
  seconds INTEGER NOT NULL CHECK (seconds >= 0),
  PRIMARY KEY (day, learner_id, course_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX learning_day_learner ON learning_day (learner_id, day);

-- The same time summed per day, prison (where the learner was when learning)
-- and course: what the indicators read, a few thousand rows a year nationally
-- however many learners there are (issue 15: under 500 ms at 100,000 learners).
CREATE TABLE learning_facility_day (
  day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  facility_id INTEGER NOT NULL REFERENCES facility(id),
  course_id TEXT NOT NULL REFERENCES course(id),
  seconds INTEGER NOT NULL CHECK (seconds >= 0),
  PRIMARY KEY (day, facility_id, course_id)
) STRICT, WITHOUT ROWID;

-- Time already on record has no dates: credit it to the day it was last active
-- (the best the data allows; new time is dated exactly).
INSERT INTO learning_day (day, learner_id, course_id, seconds)
SELECT substr(t.last_active_at, 1, 10), t.learner_id, i.course_id, sum(t.seconds)
FROM time_on_task t JOIN course_item i ON i.id = t.item_id
WHERE t.seconds > 0
GROUP BY substr(t.last_active_at, 1, 10), t.learner_id, i.course_id;
INSERT INTO learning_facility_day (day, facility_id, course_id, seconds)
SELECT d.day, u.facility_id, d.course_id, sum(d.seconds)
FROM learning_day d JOIN learner l ON l.id = d.learner_id JOIN user u ON u.id = l.user_id
WHERE u.facility_id IS NOT NULL
GROUP BY d.day, u.facility_id, d.course_id;

-- The indicators read placements and consultations by date.
CREATE INDEX placement_enrolled_at ON placement (enrolled_at);
-- Open places by status, ended ones by when they ended (the two halves of "active in the period").
CREATE INDEX placement_status_at ON placement (status, status_at);
CREATE INDEX placement_ended_at ON placement (status_at);
CREATE INDEX consultation_held_on ON consultation (held_on, facility_id);
CREATE INDEX certificate_issued_on ON certificate (issued_on);
CREATE INDEX learner_released_on ON learner (released_on) WHERE released_on IS NOT NULL;
