-- Authoring in the browser: a course's working copy (draft) is a set of files
-- in exactly the courses/ package format; publishing validates it with the same
-- loader as the packages on disk and stores an immutable snapshot.

-- 'package': loaded from a courses/ folder at every start; 'authored': edited in
-- the browser (the start-up sync leaves it alone).
ALTER TABLE course ADD COLUMN source TEXT NOT NULL DEFAULT 'package' CHECK (source IN ('package', 'authored'));

CREATE TABLE course_draft (
  -- no foreign key: a new course has a draft before its first publication
  course_id TEXT PRIMARY KEY,
  -- {"<relative path>": {"text": "..."} | {"media": "<sha256 of a media row>"}}
  files_json TEXT NOT NULL,
  created_by INTEGER REFERENCES user(id),
  updated_by INTEGER REFERENCES user(id),
  updated_at TEXT NOT NULL
) STRICT;

-- Teachers who may edit a course that has never been published yet.
CREATE TABLE course_draft_author (
  course_id TEXT NOT NULL REFERENCES course_draft(course_id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES user(id),
  PRIMARY KEY (course_id, user_id)
) STRICT;

CREATE TABLE course_publication (
  id INTEGER PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES course(id),
  -- the published files, same shape as course_draft.files_json: immutable
  files_json TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  published_by INTEGER REFERENCES user(id),
  published_at TEXT NOT NULL,
  -- set when this publication restored an earlier one
  rollback_of INTEGER REFERENCES course_publication(id)
) STRICT;
CREATE INDEX course_publication_course ON course_publication (course_id, id);
