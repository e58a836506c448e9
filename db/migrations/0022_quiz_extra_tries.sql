-- Issue 19: a learner out of tries on a quiz is not stuck for good. A teacher
-- of the course allows one more try; each row is one try added to the quiz's
-- limit for that learner (who allowed it and when; the audit log has it too).
CREATE TABLE quiz_extra_try (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  item_id INTEGER NOT NULL REFERENCES course_item(id),
  granted_by INTEGER NOT NULL REFERENCES user(id),
  granted_at TEXT NOT NULL
) STRICT;
CREATE INDEX quiz_extra_try_learner ON quiz_extra_try (learner_id, item_id);
