-- The register of education providers (issue 12): the schools and centres
-- that issue learners' documents under a cooperation agreement, never the
-- prison. Admins keep it; programmes and certificates name a provider from
-- it instead of typing the issuer as free text.
CREATE TABLE education_provider (
  id INTEGER PRIMARY KEY,
  -- the official name, as in the Register of Educational Institutions; printed on documents
  name_lv TEXT NOT NULL CHECK (length(trim(name_lv)) > 0),
  name_en TEXT NOT NULL CHECK (length(trim(name_en)) > 0),
  -- registration number in the Register of Educational Institutions (Izglītības
  -- iestāžu reģistrs), ten digits; NULL: still to be completed (a provider
  -- carried over from the free-text field of migration 0009)
  registration_number TEXT UNIQUE CHECK (registration_number IS NULL OR (length(registration_number) = 10 AND registration_number NOT GLOB '*[^0-9]*')),
  address TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  -- 0: no longer offered for new programmes and documents (kept: documents name it)
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX education_provider_name ON education_provider (lower(name_lv));

-- Every distinct free-text provider of a programme becomes a register row
-- whose registration number is to be completed by an admin.
INSERT INTO education_provider (name_lv, name_en, created_at, updated_at)
  SELECT name, name, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM (SELECT DISTINCT trim(provider) AS name FROM programme WHERE provider IS NOT NULL AND length(trim(provider)) > 0)
  WHERE true
  ON CONFLICT DO NOTHING;

-- NULL: not named yet; the programme's documents then wait for education staff
ALTER TABLE programme ADD COLUMN provider_id INTEGER REFERENCES education_provider(id);
UPDATE programme SET provider_id = (SELECT id FROM education_provider WHERE lower(name_lv) = lower(trim(programme.provider)))
  WHERE provider IS NOT NULL;
ALTER TABLE programme DROP COLUMN provider;
CREATE INDEX programme_provider ON programme (provider_id);

-- The register row that issued a certificate (its name is in the signed
-- content_json and in issuer); NULL for documents issued before the register
-- whose issuer matches no provider.
ALTER TABLE certificate ADD COLUMN provider_id INTEGER REFERENCES education_provider(id);
UPDATE certificate SET provider_id = (SELECT id FROM education_provider WHERE lower(name_lv) = lower(trim(certificate.issuer)));
