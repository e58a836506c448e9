import type { Db } from '../db.ts';
import { assessProgramme, DEFAULT_CONSULTATION_MONTHS, loadPlacementContext, type Block, type LearnerForPlacement, type Reason } from './eligibility.ts';
import { listOpenProgrammes, type Programme } from './programmes.ts';

/**
 * Career-guided placement: every open programme of the learner's facility,
 * ranked for this learner, each with its reasons in plain words. Programmes
 * the learner cannot take are shown with the reason, not hidden. The reasons
 * and what blocks come from eligibility.ts, the same function the placement
 * itself refuses with.
 *
 * Order: programmes the learner can be enrolled in or wait for come first;
 * within them, a better fit first (recommended direction, then matching
 * interests, then more weeks to spare before release); those that cannot be
 * taken come last, in the same order.
 */

export type { Reason, LearnerForPlacement } from './eligibility.ts';

export interface RankedProgramme {
  programme: Programme;
  reasons: Reason[];
  /** Nothing blocks an enrolment (a free seat included). */
  canEnrol: boolean;
  /** Nothing blocks a place on the waiting list. */
  canWait: boolean;
  /** What blocks an enrolment, as the placement would refuse it (codes). */
  enrolBlocks: Block[];
  /** What blocks a place on the waiting list. */
  waitBlocks: Block[];
  score: number;
}

export interface Placeability {
  /** Date of the latest career consultation, or null. */
  lastConsultation: string | null;
  /** The latest consultation is recent enough for an enrolment. */
  consultationValid: boolean;
  months: number;
  ranked: RankedProgramme[];
}

export function rankProgrammes(db: Db, learner: LearnerForPlacement, now = new Date(), months = DEFAULT_CONSULTATION_MONTHS): Placeability {
  const programmes = listOpenProgrammes(db, learner.facilityId, now.toISOString().slice(0, 10));
  const ctx = loadPlacementContext(db, learner, programmes, now, months);
  const ranked = programmes.map((programme): RankedProgramme => {
    const { reasons, enrolBlocks, waitBlocks, score } = assessProgramme(db, ctx, programme);
    return { programme, reasons, canEnrol: enrolBlocks.length === 0, canWait: waitBlocks.length === 0, enrolBlocks, waitBlocks, score };
  });
  ranked.sort((a, b) => Number(b.canWait || b.canEnrol) - Number(a.canWait || a.canEnrol) || b.score - a.score || a.programme.startsOn.localeCompare(b.programme.startsOn));
  return { lastConsultation: ctx.lastConsultation, consultationValid: ctx.consultationValid, months, ranked };
}
