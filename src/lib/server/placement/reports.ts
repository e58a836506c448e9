import { stmt, type Db } from '../db.ts';
import { facilitiesFor } from '../policy.ts';
import type { SessionUser } from '../session.ts';

/**
 * Figures for education staff: per programme and period, how many were
 * enrolled, completed and dropped out (withdrawn, failed, released before
 * completion, transferred), how many wait now; per facility, how many career
 * consultations were held. Counts only: no learner is named.
 */

export interface ProgrammeFigures {
  programmeId: number;
  title: string;
  facilityName: string;
  seats: number;
  enrolledNow: number;
  waitingNow: number;
  enrolments: number;
  completions: number;
  dropouts: number;
}

export interface Report {
  from: string;
  to: string;
  consultations: Array<{ facilityName: string; career: number; preRelease: number }>;
  programmes: ProgrammeFigures[];
}

const DROPOUTS = "('withdrawn', 'failed', 'released_before_completion', 'transferred')";

export function programmeReport(db: Db, actor: SessionUser, period: { from: string; to: string }): Report {
  const scope = facilitiesFor(actor, 'programmes:manage');
  const facilityClause = scope === 'all' ? '' : scope.length ? `AND f.id IN (${scope.map(Number).join(',')})` : 'AND 0';
  // Period bounds as timestamps: the whole of the last day counts.
  const p = { from: period.from, to: period.to, toEnd: `${period.to}T23:59:59.999Z` };
  const programmes = stmt(
    db,
    `SELECT g.id, g.title, f.name AS facility_name, g.seats,
       (SELECT count(*) FROM placement x WHERE x.programme_id = g.id AND x.status = 'enrolled') AS enrolled_now,
       (SELECT count(*) FROM placement x WHERE x.programme_id = g.id AND x.status = 'waitlisted') AS waiting_now,
       (SELECT count(*) FROM placement x WHERE x.programme_id = g.id AND x.enrolled_at BETWEEN @from AND @toEnd) AS enrolments,
       (SELECT count(*) FROM placement x WHERE x.programme_id = g.id AND x.status = 'completed' AND x.status_at BETWEEN @from AND @toEnd) AS completions,
       (SELECT count(*) FROM placement x WHERE x.programme_id = g.id AND x.status IN ${DROPOUTS} AND x.enrolled_at IS NOT NULL AND x.status_at BETWEEN @from AND @toEnd) AS dropouts
     FROM programme g JOIN facility f ON f.id = g.facility_id
     WHERE g.starts_on <= @to AND g.ends_on >= @from ${facilityClause}
     ORDER BY f.name, g.starts_on, g.title`,
  ).all(p) as Array<{ id: number; title: string; facility_name: string; seats: number; enrolled_now: number; waiting_now: number; enrolments: number; completions: number; dropouts: number }>;
  const consultations = stmt(
    db,
    `SELECT f.name AS facility_name, sum(c.kind = 'career') AS career, sum(c.kind = 'pre_release') AS pre_release
     FROM consultation c JOIN facility f ON f.id = c.facility_id
     WHERE c.held_on BETWEEN @from AND @to ${facilityClause} GROUP BY f.id ORDER BY f.name`,
  ).all(p) as Array<{ facility_name: string; career: number; pre_release: number }>;
  return {
    from: period.from,
    to: period.to,
    consultations: consultations.map((c) => ({ facilityName: c.facility_name, career: c.career, preRelease: c.pre_release })),
    programmes: programmes.map((r) => ({
      programmeId: r.id,
      title: r.title,
      facilityName: r.facility_name,
      seats: r.seats,
      enrolledNow: r.enrolled_now,
      waitingNow: r.waiting_now,
      enrolments: r.enrolments,
      completions: r.completions,
      dropouts: r.dropouts,
    })),
  };
}

const cell = (v: string | number) => {
  const s = String(v);
  // Spreadsheet formula injection: a cell that starts with = + - @ is text.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The report as CSV (UTF-8 with BOM for spreadsheet programs). */
export function reportCsv(report: Report, labels: Record<'facility' | 'programme' | 'seats' | 'enrolledNow' | 'waitingNow' | 'enrolments' | 'completions' | 'dropouts', string>): string {
  const header = [labels.facility, labels.programme, labels.seats, labels.enrolledNow, labels.waitingNow, labels.enrolments, labels.completions, labels.dropouts];
  const rows = report.programmes.map((r) => [r.facilityName, r.title, r.seats, r.enrolledNow, r.waitingNow, r.enrolments, r.completions, r.dropouts]);
  return '\uFEFF' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
