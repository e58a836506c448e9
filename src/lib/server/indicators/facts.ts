import { stmt, type Db } from '../db.ts';
import type { EducationLevel, Locale } from '../../shared/domain.ts';
import type { IndicatorFilters, Period, Track } from './period.ts';

/**
 * The rows the indicators are counted from, read in a few prepared queries.
 * SQL for the indicators lives here only. Rows carry ids and categories,
 * never a name, an inmate number or a birth date: only the birth year leaves
 * this module (for the age band), and the learner id only to count people
 * once (it never reaches a page or an export).
 */

/** Facilities the reader may see: every one, or a list. */
export type FacilityScope = 'all' | readonly number[];

/** What every learner-based row says about the person, for breakdowns. */
export interface PersonDims {
  learnerId: number;
  facilityId: number | null;
  birthYear: number | null;
  educationLevel: EducationLevel;
  locale: Locale;
  sex: 'M' | 'F' | null;
}

export interface PlacementFact extends PersonDims {
  programmeId: number;
  track: Track | null;
  status: string;
  waitlistedAt: string | null;
  enrolledAt: string | null;
  statusAt: string;
  createdAt: string;
  /** For a place started in the period: the learner's latest career consultation on or before the start (YYYY-MM-DD); else null. */
  consultedOn: string | null;
}

export interface ConsultationFact extends PersonDims {
  kind: 'career' | 'pre_release';
  heldOn: string;
}

export interface DocumentFact extends PersonDims {
  kind: 'module' | 'professional_development' | 'statement';
  level: string | null;
  track: Track | null;
  issuedOn: string;
}

export interface ReleaseFact extends PersonDims {
  releasedOn: string;
  hadConsultation: boolean;
  hadDocument: boolean;
}

export interface LearningFact {
  month: string;
  facilityId: number | null;
  track: Track;
  seconds: number;
}

export interface Facts {
  placements: PlacementFact[];
  consultations: ConsultationFact[];
  documents: DocumentFact[];
  releases: ReleaseFact[];
  learning: LearningFact[];
}

/** A released person "left with a document" when one was issued by this many days after release (statements are often written the following days). */
export const DOCUMENT_GRACE_DAYS = 30;

const person = (facility: string) => `l.id AS learnerId, ${facility} AS facilityId, l.birth_year AS birthYear, l.education_level AS educationLevel,
  u.preferred_locale AS locale, l.sex AS sex`;
const PERSON = person('u.facility_id');

// Programmes the report covers: in scope and matching the filters. A programme's track is its first course's.
// MATERIALIZED: a few hundred rows computed once, not a track look-up per place.
const PROGRAMMES = `prog AS MATERIALIZED (
  SELECT g.id, g.facility_id, g.language,
    (SELECT c.track FROM programme_course pc JOIN course c ON c.id = pc.course_id WHERE pc.programme_id = g.id ORDER BY pc.position LIMIT 1) AS track
  FROM programme g
  WHERE (@all = 1 OR g.facility_id IN (SELECT value FROM json_each(@facilities)))
    AND (@facility IS NULL OR g.facility_id = @facility)
    AND (@programme IS NULL OR g.id = @programme)
    AND (@language IS NULL OR g.language = @language)
)`;

// A placement counts in its programme's prison (a transferred learner's past stays where it happened).
const PLACEMENTS = `WITH ${PROGRAMMES}
SELECT ${person('prog.facility_id')}, prog.id AS programmeId, prog.track AS track, p.status AS status, p.waitlisted_at AS waitlistedAt,
  p.enrolled_at AS enrolledAt, p.status_at AS statusAt, p.created_at AS createdAt,
  -- Only places started in the period need it (days to a place): no look-up for the others.
  CASE WHEN p.enrolled_at BETWEEN @from AND @toEnd THEN
    (SELECT max(c.held_on) FROM consultation c WHERE c.learner_id = p.learner_id AND c.kind = 'career' AND c.held_on <= substr(p.enrolled_at, 1, 10))
  END AS consultedOn
FROM placement p JOIN prog ON prog.id = p.programme_id
  JOIN learner l ON l.id = p.learner_id JOIN user u ON u.id = l.user_id
WHERE (@track IS NULL OR prog.track = @track)
  AND p.created_at <= @toEnd
  AND (p.status IN ('waitlisted', 'enrolled') OR p.status_at >= @from)`;

// Consultations belong to the prison where they were held; track, programme and language do not apply.
const CONSULTATIONS = `SELECT ${person('c.facility_id')}, c.kind AS kind, c.held_on AS heldOn
FROM consultation c JOIN learner l ON l.id = c.learner_id JOIN user u ON u.id = l.user_id
WHERE c.held_on BETWEEN @from AND @to
  AND (@all = 1 OR c.facility_id IN (SELECT value FROM json_each(@facilities)))
  AND (@facility IS NULL OR c.facility_id = @facility)`;

// A document counts once: a re-issue replaces a revoked original and is not counted again;
// a document revoked for any other reason is not counted.
const DOCUMENTS = `WITH first_course AS MATERIALIZED (
  SELECT pc.programme_id, c2.track FROM programme_course pc JOIN course c2 ON c2.id = pc.course_id
  WHERE pc.position = (SELECT min(position) FROM programme_course x WHERE x.programme_id = pc.programme_id)
)
SELECT ${person('coalesce(g.facility_id, u.facility_id)')}, d.kind AS kind, d.level AS level, d.issued_on AS issuedOn,
  coalesce(c.track, fc.track) AS track
FROM certificate d JOIN learner l ON l.id = d.learner_id JOIN user u ON u.id = l.user_id
  LEFT JOIN programme g ON g.id = d.programme_id LEFT JOIN course c ON c.id = d.course_id
  LEFT JOIN first_course fc ON fc.programme_id = d.programme_id
WHERE d.issued_on BETWEEN @from AND @to AND d.replaces_id IS NULL
  AND (d.revoked_at IS NULL OR EXISTS (SELECT 1 FROM certificate r WHERE r.replaces_id = d.id))
  AND (@all = 1 OR coalesce(g.facility_id, u.facility_id) IN (SELECT value FROM json_each(@facilities)))
  AND (@facility IS NULL OR coalesce(g.facility_id, u.facility_id) = @facility)
  AND (@programme IS NULL OR d.programme_id = @programme)
  AND (@language IS NULL OR coalesce(g.language, c.language) = @language)`;

// Released people of the period, in their last prison; programme filters do not apply.
const RELEASES = `SELECT ${PERSON}, l.released_on AS releasedOn,
  EXISTS (SELECT 1 FROM consultation c WHERE c.learner_id = l.id AND c.held_on <= l.released_on) AS hadConsultation,
  EXISTS (SELECT 1 FROM certificate d WHERE d.learner_id = l.id AND d.issued_on <= date(l.released_on, '+${DOCUMENT_GRACE_DAYS} days')
          AND (d.revoked_at IS NULL OR EXISTS (SELECT 1 FROM certificate r WHERE r.replaces_id = d.id))) AS hadDocument
FROM learner l JOIN user u ON u.id = l.user_id
WHERE l.released_on BETWEEN @from AND @to
  AND (@all = 1 OR u.facility_id IN (SELECT value FROM json_each(@facilities)))
  AND (@facility IS NULL OR u.facility_id = @facility)`;

// Active time by month, prison (where the learner was) and track, from the per-prison daily sums
// (a few thousand rows a year nationally: no per-learner row is read).
const LEARNING = `SELECT substr(d.day, 1, 7) AS month, d.facility_id AS facilityId, c.track AS track, sum(d.seconds) AS seconds
FROM learning_facility_day d JOIN course c ON c.id = d.course_id
WHERE d.day BETWEEN @from AND @to
  AND (@all = 1 OR d.facility_id IN (SELECT value FROM json_each(@facilities)))
  AND (@facility IS NULL OR d.facility_id = @facility)
  AND (@track IS NULL OR c.track = @track)
  AND (@language IS NULL OR c.language = @language)
  AND (@programme IS NULL OR d.course_id IN (SELECT course_id FROM programme_course WHERE programme_id = @programme))
GROUP BY 1, 2, 3`;

type Row = Record<string, unknown>;
const bool = (v: unknown) => v === 1 || v === true;

/** Reads every row the report needs, for the reader's facilities and the filters. */
export function loadFacts(db: Db, scope: FacilityScope, period: Period, filters: IndicatorFilters): Facts {
  const params = {
    all: scope === 'all' ? 1 : 0,
    facilities: JSON.stringify(scope === 'all' ? [] : scope),
    facility: filters.facilityId,
    programme: filters.programmeId,
    language: filters.language,
    track: filters.track,
    from: period.from,
    to: period.to,
    // Timestamps of the last day count (ISO strings compare as text).
    toEnd: `${period.to}T23:59:59.999Z`,
  };
  // Only the parameters a statement names are bound (better-sqlite3 refuses missing ones).
  const run = (sql: string) => stmt(db, sql).all(Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`@${k}\\b`).test(sql)))) as Row[];
  const withTrack = filters.track;
  const documents = run(DOCUMENTS).map((r) => r as unknown as DocumentFact).filter((d) => !withTrack || d.track === withTrack);
  return {
    placements: run(PLACEMENTS) as unknown as PlacementFact[],
    // Track filters narrow programmes; consultations and releases are about people, not programmes.
    consultations: run(CONSULTATIONS) as unknown as ConsultationFact[],
    documents,
    releases: run(RELEASES).map((r) => ({ ...(r as unknown as ReleaseFact), hadConsultation: bool(r.hadConsultation), hadDocument: bool(r.hadDocument) })),
    learning: run(LEARNING) as unknown as LearningFact[],
  };
}

export interface Choice {
  id: number;
  name: string;
}

/** The prisons a reader may choose from. */
export function facilityChoices(db: Db, scope: FacilityScope): Choice[] {
  return (stmt(db, `SELECT id, name FROM facility WHERE @all = 1 OR id IN (SELECT value FROM json_each(@facilities)) ORDER BY name`).all({
    all: scope === 'all' ? 1 : 0,
    facilities: JSON.stringify(scope === 'all' ? [] : scope),
  }) as Choice[]);
}

/** The programmes a reader may choose from (with their prison's name). */
export function programmeChoices(db: Db, scope: FacilityScope): Array<Choice & { facilityId: number }> {
  return stmt(
    db,
    `SELECT g.id, g.title || ' (' || f.name || ', ' || g.starts_on || ')' AS name, g.facility_id AS facilityId
     FROM programme g JOIN facility f ON f.id = g.facility_id
     WHERE @all = 1 OR g.facility_id IN (SELECT value FROM json_each(@facilities)) ORDER BY f.name, g.starts_on DESC, g.title`,
  ).all({ all: scope === 'all' ? 1 : 0, facilities: JSON.stringify(scope === 'all' ? [] : scope) }) as Array<Choice & { facilityId: number }>;
}
