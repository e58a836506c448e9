-- H5P packages: content and libraries stored apart, libraries once per version.
-- Files live on disk under TILTS_DATA_DIR/h5p/ (src/lib/server/h5p/store.ts says
-- why); these rows are what makes them visible: a folder without its row is an
-- orphan of an interrupted import and is never served.

CREATE TABLE h5p_library (
  id INTEGER PRIMARY KEY,
  -- 'H5P.MultiChoice'
  machine_name TEXT NOT NULL,
  major INTEGER NOT NULL,
  minor INTEGER NOT NULL,
  patch INTEGER NOT NULL,
  title TEXT NOT NULL,
  runnable INTEGER NOT NULL CHECK (runnable IN (0, 1)),
  -- library.json as it came in the first package that brought this version
  library_json TEXT NOT NULL,
  -- sha256 over the files (paths and contents): a later package with the same
  -- version but other files is told apart (and still uses this copy)
  files_hash TEXT NOT NULL,
  -- folder under TILTS_DATA_DIR/h5p/libraries/: '<machine>-<major>.<minor>.<patch>'
  folder TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  -- one copy per version: a hundred activities share one H5P.MultiChoice 1.14.6
  UNIQUE (machine_name, major, minor, patch)
) STRICT;

CREATE TABLE h5p_content (
  -- AUTOINCREMENT: an id (and so a content folder name) is never reused, even
  -- after a crash left a folder of an import that did not commit
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  main_library_id INTEGER NOT NULL REFERENCES h5p_library(id),
  -- h5p.json and content/content.json as uploaded (validated)
  h5p_json TEXT NOT NULL,
  content_json TEXT NOT NULL,
  -- the files of content/ (content.json too) are in TILTS_DATA_DIR/h5p/content/<id>/
  created_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL
) STRICT;

-- Every library folder the package brought, linked to the stored copy of that version.
CREATE TABLE h5p_content_library (
  content_id INTEGER NOT NULL REFERENCES h5p_content(id) ON DELETE CASCADE,
  library_id INTEGER NOT NULL REFERENCES h5p_library(id),
  -- 1: playing the content loads it (preloaded or dynamic dependency);
  -- 0: shipped for the editor only
  needed_to_play INTEGER NOT NULL CHECK (needed_to_play IN (0, 1)),
  PRIMARY KEY (content_id, library_id)
) STRICT;
CREATE INDEX h5p_content_library_library ON h5p_content_library (library_id);
