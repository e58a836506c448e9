-- Placement rules enforced by the server (issue 13): a programme the ranked
-- list marks as blocked for a learner is refused with the same reason. The
-- education staff may override some reasons (entry requirements, time left
-- before release, a timetable clash) with a written reason; the override is
-- kept on the placement (and in the audit log) so anyone can see later which
-- rules were set aside, by whom and why.

-- the blocking reasons set aside (JSON array of codes, e.g. ["placement.cannotFinish"]); NULL: none
ALTER TABLE placement ADD COLUMN override_json TEXT;
-- the staff's written reason for the override
ALTER TABLE placement ADD COLUMN override_reason TEXT;
ALTER TABLE placement ADD COLUMN override_by INTEGER REFERENCES user(id);
ALTER TABLE placement ADD COLUMN override_at TEXT;
