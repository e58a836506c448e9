-- When the learner's current PIN was issued (and handed over on a slip or on
-- their page). NULL: the learner has no PIN they know yet (admitted by the
-- roster import, which stores an unusable secret), so "issue PINs for the new
-- learners" issues one to them and skips the others unless staff confirm.
ALTER TABLE learner ADD COLUMN pin_issued_at TEXT;

-- Existing learners: the last PIN reset; else the admission, unless it came
-- from the roster (those never had a PIN anyone knew).
UPDATE learner SET pin_issued_at = coalesce(
  (SELECT max(a.at) FROM audit_log a
    WHERE a.action = 'learner.pinReset' AND a.target_type = 'learner' AND a.target_id = CAST(learner.id AS TEXT)),
  CASE WHEN EXISTS (SELECT 1 FROM audit_log a
    WHERE a.action = 'learner.create' AND a.target_type = 'learner' AND a.target_id = CAST(learner.id AS TEXT)
      AND json_extract(a.details, '$.via') = 'roster') THEN NULL ELSE created_at END
);
