import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { getBySerial, listLearnerCertificates, type Certificate } from '../certificates/certificates.ts';

/**
 * What a released person may fetch from the portal: their own certificates
 * and transcript, found through learner.portal_user_id. Every function takes
 * the signed-in user and answers only for the learner linked to them, so a
 * serial of someone else's certificate looks the same as an unknown one.
 */

/** The learner record behind a released account, or null (not a portal account, or not linked). */
export function portalLearnerId(db: Db, actor: SessionUser): number | null {
  if (!can(actor, 'portal:access')) return null;
  return (stmt(db, 'SELECT id FROM learner WHERE portal_user_id = ?').pluck().get(actor.id) as number | undefined) ?? null;
}

/** The released person's certificates, newest first (revoked ones too, marked as such). */
export function listOwnCertificates(db: Db, actor: SessionUser): Certificate[] {
  const learnerId = portalLearnerId(db, actor);
  return learnerId === null ? [] : listLearnerCertificates(db, learnerId);
}

/** One of the person's own certificates that may be downloaded (not revoked), or null. */
export function ownDownloadableCertificate(db: Db, actor: SessionUser, serial: string): Certificate | null {
  const learnerId = portalLearnerId(db, actor);
  if (learnerId === null) return null;
  const cert = getBySerial(db, serial);
  return cert && cert.learnerId === learnerId && cert.revokedAt === null ? cert : null;
}

/** Records a download from the portal (the person's own document). */
export function recordPortalDownload(
  db: Db,
  actor: SessionUser,
  document: { kind: 'certificate'; serial: string } | { kind: 'transcript'; learnerId: number },
  ip: string | null,
): void {
  appendAudit(db, {
    actor: { id: actor.id, label: actor.username ?? actor.displayName },
    action: document.kind === 'certificate' ? 'portal.certificateDownload' : 'portal.transcriptDownload',
    targetType: document.kind === 'certificate' ? 'certificate' : 'learner',
    targetId: document.kind === 'certificate' ? document.serial : document.learnerId,
    ip,
  });
}
