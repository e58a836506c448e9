-- Certificate rules per programme (issue 6). A programme names the education
-- provider that issues its documents (a school under a cooperation agreement,
-- never the prison), what completing it earns, and whether its documents wait
-- for the education staff's approval.
--
-- Completing a course of a programme earns a module certificate (moduļa
-- apliecība); completing a whole programme whose award is
-- 'professional_development' also earns an apliecība par profesionālās
-- pilnveides izglītību; leaving a programme unfinished (release, transfer)
-- earns a statement of achievement (sekmju izziņa) listing what was done.

-- NULL: not named yet; documents then wait in certificate_request for staff to name the issuer
ALTER TABLE programme ADD COLUMN provider TEXT CHECK (provider IS NULL OR length(trim(provider)) > 0);
ALTER TABLE programme ADD COLUMN award TEXT NOT NULL DEFAULT 'module' CHECK (award IN ('module', 'professional_development'));
-- e.g. 'LKI 2' for vocational programmes; printed on the programme's certificate
ALTER TABLE programme ADD COLUMN award_level TEXT CHECK (award_level IS NULL OR length(trim(award_level)) > 0);
-- 1: the programme's documents are issued only after education staff approve them
ALTER TABLE programme ADD COLUMN certificate_approval INTEGER NOT NULL DEFAULT 0 CHECK (certificate_approval IN (0, 1));

-- A document that is due but waits for a person: the programme asks for
-- approval, or it names no provider yet. Education staff of the learner's
-- facility approve (issue) or decline it with a reason.
CREATE TABLE certificate_request (
  id INTEGER PRIMARY KEY,
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  kind TEXT NOT NULL CHECK (kind IN ('module', 'professional_development', 'statement')),
  programme_id INTEGER NOT NULL REFERENCES programme(id),
  -- the course of a module certificate; NULL for the programme's documents
  course_id TEXT REFERENCES course(id),
  -- the placement a statement reports on (its end is the last day of study)
  placement_id INTEGER REFERENCES placement(id),
  reason TEXT NOT NULL CHECK (reason IN ('approval', 'noProvider')),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'issued', 'declined')),
  certificate_id INTEGER REFERENCES certificate(id),
  decided_by INTEGER REFERENCES user(id),
  decided_at TEXT,
  decline_reason TEXT,
  created_at TEXT NOT NULL,
  CHECK ((kind = 'module') = (course_id IS NOT NULL)),
  CHECK ((status = 'issued') = (certificate_id IS NOT NULL)),
  CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
) STRICT;
-- One live request per document (a declined one may be asked for again).
CREATE UNIQUE INDEX certificate_request_once ON certificate_request (learner_id, kind, programme_id, ifnull(course_id, ''), ifnull(placement_id, 0))
  WHERE status <> 'declined';
CREATE INDEX certificate_request_pending ON certificate_request (status, learner_id);
