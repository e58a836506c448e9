-- Certificates: the documents a learner takes away (issue 6). A certificate
-- states what it certifies in content_json (canonical JSON, exactly what the
-- PDF says); content_hash is its SHA-256 and signature the installation's
-- Ed25519 signature over that hash, so anyone holding the serial can check
-- that the stored document is the one issued. The private key lives in
-- app_secret ('certificate-signing-key'); key_id names the key that signed.
--
-- Nothing here names a facility or an inmate number: the issuer is the
-- education provider, never the prison (DOMAIN.md, "Certificates without
-- stigma"). learner_id links the row to the learner inside the platform only.
CREATE TABLE certificate (
  id INTEGER PRIMARY KEY,
  -- TLT-<year>-XXXX-XXXX from an alphabet without look-alike characters
  serial TEXT NOT NULL UNIQUE CHECK (serial GLOB 'TLT-[0-9][0-9][0-9][0-9]-[2-9A-Z][2-9A-Z][2-9A-Z][2-9A-Z]-[2-9A-Z][2-9A-Z][2-9A-Z][2-9A-Z]'),
  -- module: moduļa apliecība; professional_development: apliecība par
  -- profesionālās pilnveides izglītību; statement: sekmju izziņa (left early)
  kind TEXT NOT NULL CHECK (kind IN ('module', 'professional_development', 'statement')),
  learner_id INTEGER NOT NULL REFERENCES learner(id),
  course_id TEXT REFERENCES course(id),
  programme_id INTEGER REFERENCES programme(id),
  -- the columns below repeat content_json for listing and search; the
  -- signed content_json is what verification and the PDF read
  holder_name TEXT NOT NULL,
  -- {"lv": "…", "en": "…", "ru": "…"}: at least one language
  title_json TEXT NOT NULL,
  hours INTEGER NOT NULL CHECK (hours >= 0),
  -- e.g. 'LKI 2' or 'A2'; NULL when the document states no level
  level TEXT,
  -- the education provider that issues the document
  issuer TEXT NOT NULL,
  issued_on TEXT NOT NULL CHECK (issued_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  completed_on TEXT NOT NULL CHECK (completed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  content_json TEXT NOT NULL,
  -- SHA-256 of content_json (UTF-8), lowercase hex
  content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
  -- Ed25519 signature over content_hash (its hex text as UTF-8), base64
  signature TEXT NOT NULL,
  -- first 16 hex digits of the SHA-256 of the signing public key (SPKI DER)
  key_id TEXT NOT NULL CHECK (length(key_id) = 16),
  revoked_at TEXT,
  -- NULL with revoked_at set: revoked by the system
  revoked_by INTEGER REFERENCES user(id),
  revoke_reason TEXT,
  -- a re-issued certificate points at the one it replaces (which is revoked)
  replaces_id INTEGER UNIQUE REFERENCES certificate(id),
  -- NULL: issued by the system (e.g. on completion)
  created_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL,
  CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL)),
  CHECK (revoke_reason IS NULL OR length(trim(revoke_reason)) > 0)
) STRICT;
CREATE INDEX certificate_learner ON certificate (learner_id, id);
