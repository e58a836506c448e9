import { randomBytes } from 'node:crypto';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { stmt, type Db } from '../db.ts';
import { appendAudit, type AuditActor } from '../audit.ts';
import { hashSecret } from '../password.ts';
import { facilitiesFor } from '../policy.ts';
import { t } from '../../i18n/index.ts';
import type { Locale } from '../../shared/domain.ts';
import { getFacilityByCode } from './facilities.ts';
import { insertLearner } from './learners.ts';
import { transferLearner, type LifecycleActor } from './lifecycle.ts';
import { auditActor } from './users.ts';
import { parseRoster, type RosterColumn, type RosterFileError, type RosterLine, type RosterProblem, type RosterRecord } from './roster-csv.ts';

/**
 * Admission from the prison register: its roster (roster-csv.ts reads the
 * file) becomes learners. New inmate numbers are admitted (no PIN yet: staff
 * issue one with "new PIN"); known ones are updated; a learner whose
 * facility changed is transferred (lifecycle.ts). Valid rows are applied in
 * one transaction, refused rows are not, and the same file twice changes
 * nothing the second time. A preview plans without writing.
 */

export type { RosterProblem, RosterFileError } from './roster-csv.ts';

/** What happens (preview) or happened (import) to one row. */
export type RosterAction = 'create' | 'update' | 'unchanged' | 'transfer' | 'refused';
export const ROSTER_ACTIONS = ['create', 'update', 'unchanged', 'transfer', 'refused'] as const satisfies readonly RosterAction[];

/** Who imports: education staff (their facilities only) or the system (the nightly command, every facility). */
export type RosterActor = LifecycleActor;

export interface RosterRowReport {
  /** The row as a spreadsheet numbers it (the header is row 1). */
  row: number;
  inmateNumber: string;
  action: RosterAction;
  /** The columns whose values change (update, transfer). */
  changes: RosterColumn[];
  /** Why the row is refused; empty otherwise. */
  errors: RosterProblem[];
}

export interface RosterReport {
  /** False for a preview or dry run: nothing was written. */
  committed: boolean;
  rows: RosterRowReport[];
  counts: Record<RosterAction, number>;
}

export type RosterResult = { ok: true; report: RosterReport } | RosterFileError;

/** The fields the roster sets on a learner, in the database's words. */
const COMPARED = [
  ['surname', 'surname'],
  ['given_names', 'givenNames'],
  ['birth_year', 'birthYear'],
  ['expected_release_date', 'expectedReleaseDate'],
  ['education_level', 'educationLevel'],
  ['latvian_level', 'latvianLevel'],
] as const satisfies ReadonlyArray<readonly [RosterColumn, keyof RosterRecord]>;

interface ExistingRow {
  id: number;
  user_id: number;
  facility_id: number;
  status: string;
  surname: string;
  given_names: string;
  birth_year: number | null;
  expected_release_date: string | null;
  education_level: string;
  latvian_level: string;
}

interface Plan {
  line: RosterLine;
  action: RosterAction;
  changes: RosterColumn[];
  errors: RosterProblem[];
  facilityId: number | null;
  existing: ExistingRow | null;
}

function existingLearner(db: Db, inmateNumber: string): ExistingRow | null {
  return (
    (stmt(
      db,
      `SELECT l.id, l.user_id, u.facility_id, l.status, l.surname, l.given_names, l.birth_year, l.expected_release_date,
              l.education_level, l.latvian_level
       FROM learner l JOIN user u ON u.id = l.user_id WHERE l.inmate_number = ?`,
    ).get(inmateNumber) as ExistingRow | undefined) ?? null
  );
}

const refuse = (line: RosterLine, errors: RosterProblem[]): Plan => ({ line, action: 'refused', changes: [], errors, facilityId: null, existing: null });

/** The facilities whose rows the actor may import, and whose learners they may change or transfer away. */
interface RosterScope {
  rows: 'all' | number[];
  learners: 'all' | number[];
}

const inScope = (scope: 'all' | number[], facilityId: number) => scope === 'all' || scope.includes(facilityId);

/** Decides one row against the database and the actor's facilities; writes nothing. */
function planLine(db: Db, scope: RosterScope, line: RosterLine): Plan {
  const record = line.record;
  if (!record) return refuse(line, line.errors);
  const facility = getFacilityByCode(db, record.facilityCode);
  const code = { code: record.facilityCode };
  if (!facility) return refuse(line, [{ field: 'facility_code', reason: 'roster.error.unknownFacility', params: code }]);
  if (!facility.active) return refuse(line, [{ field: 'facility_code', reason: 'roster.error.facilityInactive', params: code }]);
  if (!inScope(scope.rows, facility.id)) return refuse(line, [{ field: 'facility_code', reason: 'roster.error.otherFacility', params: code }]);
  const existing = existingLearner(db, record.inmateNumber);
  if (!existing) return { line, action: 'create', changes: [], errors: [], facilityId: facility.id, existing: null };
  // Another prison's learner: only that prison (or the nightly sync, as the system) may change or transfer
  // them. Checked first, so the row says nothing else about them (not their status, not what differs).
  if (!inScope(scope.learners, existing.facility_id)) return refuse(line, [{ field: 'inmate_number', reason: 'roster.error.registeredElsewhere' }]);
  // The roster never brings a released person back into custody: that is a new admission staff decide on.
  if (existing.status === 'released') return refuse(line, [{ field: 'inmate_number', reason: 'roster.error.released' }]);
  if (existing.status !== 'in_custody') return refuse(line, [{ field: 'inmate_number', reason: 'roster.error.notInCustody' }]);
  const changes: RosterColumn[] = COMPARED.filter(([column, key]) => existing[column] !== record[key]).map(([column]) => column);
  if (existing.facility_id !== facility.id) changes.push('facility_code');
  const action: RosterAction = existing.facility_id !== facility.id ? 'transfer' : changes.length ? 'update' : 'unchanged';
  return { line, action, changes, errors: [], facilityId: facility.id, existing };
}

function planRoster(db: Db, actor: RosterActor, lines: RosterLine[]): Plan[] {
  const scope: RosterScope =
    actor.kind === 'system'
      ? { rows: 'all', learners: 'all' }
      : { rows: facilitiesFor(actor.user, 'roster:import'), learners: facilitiesFor(actor.user, 'learners:edit') };
  return lines.map((line) => planLine(db, scope, line));
}

function toReport(plans: Plan[], committed: boolean): RosterReport {
  const counts = Object.fromEntries(ROSTER_ACTIONS.map((a) => [a, 0])) as Record<RosterAction, number>;
  for (const p of plans) counts[p.action]++;
  return {
    committed,
    counts,
    rows: plans.map((p) => ({ row: p.line.row, inmateNumber: p.line.inmateNumber, action: p.action, changes: p.changes, errors: p.errors })),
  };
}

/** What importing the file would do, row by row. Writes nothing. */
export function previewRoster(db: Db, actor: RosterActor, source: Buffer | string): RosterResult {
  const parsed = parseRoster(source);
  if (!parsed.ok) return parsed;
  return { ok: true, report: toReport(planRoster(db, actor, parsed.lines), false) };
}

const auditOf = (actor: RosterActor): AuditActor => (actor.kind === 'staff' ? auditActor(actor.user) : actor.audit);

const ROSTER_REASON = 'roster import';

/** Sets the register's fields on a known learner, audited with what changed. */
function updateFields(db: Db, actor: AuditActor, plan: Plan, record: RosterRecord, now: Date): void {
  const before = plan.existing!;
  const at = now.toISOString();
  stmt(
    db,
    `UPDATE learner SET surname = ?, given_names = ?, birth_year = ?, expected_release_date = ?, education_level = ?, latvian_level = ?,
       updated_at = ? WHERE id = ?`,
  ).run(record.surname, record.givenNames, record.birthYear, record.expectedReleaseDate, record.educationLevel, record.latvianLevel, at, before.id);
  stmt(db, 'UPDATE user SET display_name = ?, updated_at = ? WHERE id = ?').run(`${record.givenNames} ${record.surname}`, at, before.user_id);
  const changed = Object.fromEntries(COMPARED.filter(([c]) => plan.changes.includes(c)).map(([c, key]) => [key, { from: before[c], to: record[key] }]));
  appendAudit(
    db,
    { actor, action: 'learner.update', targetType: 'learner', targetId: before.id, facilityId: plan.facilityId, details: { inmateNumber: record.inmateNumber, changed, via: 'roster' } },
    now,
  );
}

/** Applies one planned row; returns the plan as it ended (a transfer the lifecycle refuses refuses the row). */
function applyPlan(db: Db, actor: RosterActor, plan: Plan, secretHash: string, now: Date): Plan {
  const record = plan.line.record;
  if (!record || plan.action === 'refused' || plan.action === 'unchanged') return plan;
  const audit = auditOf(actor);
  if (plan.action === 'create') {
    insertLearner(
      db,
      audit,
      { ...record, facilityId: plan.facilityId!, status: 'in_custody' },
      secretHash,
      { reason: ROSTER_REASON, details: { via: 'roster' } },
      now,
    );
    return plan;
  }
  if (plan.action === 'transfer') {
    const moved = transferLearner(db, actor, plan.existing!.id, plan.facilityId!, { reason: ROSTER_REASON }, now);
    if (!moved.ok) return refuse(plan.line, [{ field: 'facility_code', reason: 'roster.error.transferRefused', params: { code: record.facilityCode } }]);
  }
  if (plan.changes.some((c) => c !== 'facility_code')) updateFields(db, audit, plan, record, now);
  return plan;
}

/**
 * Imports the roster: every valid row is applied and every refused row is
 * left out, in one transaction, with one `roster.import` audit entry
 * holding the counts (plus the usual entry per admitted, changed or moved
 * learner). `dryRun` plans only, like `previewRoster`. New learners get an
 * unusable secret (one random value nobody knows, hashed once per import).
 */
export async function importRoster(
  db: Db,
  actor: RosterActor,
  source: Buffer | string,
  options: { dryRun?: boolean; fileName?: string } = {},
  now = new Date(),
): Promise<RosterResult> {
  const parsed = parseRoster(source);
  if (!parsed.ok) return parsed;
  if (options.dryRun) return { ok: true, report: toReport(planRoster(db, actor, parsed.lines), false) };
  const secretHash = await hashSecret(randomBytes(32).toString('base64url'));
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  return db
    .transaction((): RosterResult => {
      // Planned again inside the transaction: the database may have changed since the preview.
      const plans = planRoster(db, actor, parsed.lines).map((plan) => applyPlan(db, actor, plan, secretHash, now));
      const report = toReport(plans, true);
      const facilities = [...new Set(plans.filter((p) => p.action !== 'refused').map((p) => p.facilityId))];
      appendAudit(
        db,
        {
          actor: auditOf(actor),
          action: 'roster.import',
          targetType: 'roster',
          facilityId: facilities.length === 1 ? (facilities[0] ?? null) : null,
          details: { file: options.fileName ?? null, sha256: encodeHexLowerCase(sha256(bytes)), rows: plans.length, ...report.counts },
        },
        now,
      );
      return { ok: true, report };
    })
    .immediate();
}

/** One problem as a sentence in `locale` (the command line uses English). */
export function describeRosterProblem(locale: Locale, problem: RosterProblem): string {
  return t(locale, problem.reason, problem.params);
}

/** Why the file is not a roster at all, in `locale`. */
export function describeRosterFileError(locale: Locale, error: RosterFileError): string {
  return t(locale, error.code, error.params);
}

/**
 * The report as the command line prints it: a line per problem of a refused
 * row (`row N, <column>: <reason>`), then the counts.
 */
export function formatRosterReport(report: RosterReport): string {
  const lines: string[] = [];
  for (const row of report.rows) {
    for (const e of row.errors) lines.push(`row ${row.row}, ${e.field === 'row' ? 'whole row' : e.field}: ${describeRosterProblem('en', e)}`);
  }
  const c = report.counts;
  lines.push(`${c.create} created, ${c.update} updated, ${c.unchanged} unchanged, ${c.transfer} transferred, ${c.refused} refused`);
  return lines.join('\n');
}
