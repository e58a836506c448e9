-- Indexes for the staff lists at national scale (issue 14; plans checked by
-- tests/unit/db/query-plans.test.ts).

-- The learner lists sort by name and page by (surname, given_names, id) (keyset):
-- any page is an index range, never a sort of every learner.
CREATE INDEX learner_name ON learner (surname, given_names, id);

-- The admin's user list sorts by role and name: pages walk this index instead of sorting every account.
CREATE INDEX user_role_name ON user (role, display_name, id);

-- Career consultations per learner and kind ("no consultation yet" filter).
CREATE INDEX consultation_learner_kind ON consultation (learner_id, kind);
