import type { MessageKey } from '../i18n/index.ts';
import type { Role } from './domain.ts';

/**
 * The audit log as people read it: every action code written under
 * src/lib/server has a label in the three catalogues
 * (tests/unit/audit/labels.test.ts finds the codes written and fails on one
 * without a label). Detail keys people meet often have labels too; any other
 * key is shown plainly as "key: value".
 */
export const AUDIT_ACTION_LABELS = {
  'auth.login': 'auditAction.auth.login',
  'auth.loginFailed': 'auditAction.auth.loginFailed',
  'auth.loginRefused': 'auditAction.auth.loginRefused',
  'auth.locked': 'auditAction.auth.locked',
  'auth.logout': 'auditAction.auth.logout',
  'auth.logoutEverywhere': 'auditAction.auth.logoutEverywhere',
  'auth.sessionEnded': 'auditAction.auth.sessionEnded',
  'user.create': 'auditAction.user.create',
  'user.update': 'auditAction.user.update',
  'user.activate': 'auditAction.user.activate',
  'user.deactivate': 'auditAction.user.deactivate',
  'user.passwordReset': 'auditAction.user.passwordReset',
  'user.passwordChange': 'auditAction.user.passwordChange',
  'user.facilityGrants': 'auditAction.user.facilityGrants',
  'learner.create': 'auditAction.learner.create',
  'learner.update': 'auditAction.learner.update',
  'learner.pinReset': 'auditAction.learner.pinReset',
  'learner.transfer': 'auditAction.learner.transfer',
  'learner.release': 'auditAction.learner.release',
  'facility.create': 'auditAction.facility.create',
  'facility.update': 'auditAction.facility.update',
  'provider.create': 'auditAction.provider.create',
  'provider.update': 'auditAction.provider.update',
  'provider.delete': 'auditAction.provider.delete',
  'quiz.extraTry': 'auditAction.quiz.extraTry',
  'roster.import': 'auditAction.roster.import',
  'consultation.record': 'auditAction.consultation.record',
  'programme.create': 'auditAction.programme.create',
  'programme.update': 'auditAction.programme.update',
  'placement.enrol': 'auditAction.placement.enrol',
  'placement.waitlist': 'auditAction.placement.waitlist',
  'placement.withdrawn': 'auditAction.placement.withdrawn',
  'placement.failed': 'auditAction.placement.failed',
  'enrolment.create': 'auditAction.enrolment.create',
  'learning.courseCompleted': 'auditAction.learning.courseCompleted',
  'essay.grade': 'auditAction.essay.grade',
  'gradebook.export': 'auditAction.gradebook.export',
  'course.create': 'auditAction.course.create',
  'course.update': 'auditAction.course.update',
  'course.archive': 'auditAction.course.archive',
  'course.draftCreate': 'auditAction.course.draftCreate',
  'course.export': 'auditAction.course.export',
  'course.import': 'auditAction.course.import',
  'course.publish': 'auditAction.course.publish',
  'course.rollback': 'auditAction.course.rollback',
  'h5p.import': 'auditAction.h5p.import',
  'certificate.issue': 'auditAction.certificate.issue',
  'certificate.reissue': 'auditAction.certificate.reissue',
  'certificate.revoke': 'auditAction.certificate.revoke',
  'certificate.requested': 'auditAction.certificate.requested',
  'certificate.approve': 'auditAction.certificate.approve',
  'certificate.decline': 'auditAction.certificate.decline',
  'certificate.autoIssueFailed': 'auditAction.certificate.autoIssueFailed',
  'certificate.download': 'auditAction.certificate.download',
  'transcript.download': 'auditAction.transcript.download',
  'portal.codeIssued': 'auditAction.portal.codeIssued',
  'portal.activated': 'auditAction.portal.activated',
  'portal.activationFailed': 'auditAction.portal.activationFailed',
  'portal.activationLocked': 'auditAction.portal.activationLocked',
  'portal.certificateDownload': 'auditAction.portal.certificateDownload',
  'portal.transcriptDownload': 'auditAction.portal.transcriptDownload',
  'terminal.approve': 'auditAction.terminal.approve',
  'terminal.rename': 'auditAction.terminal.rename',
  'terminal.move': 'auditAction.terminal.move',
  'terminal.disable': 'auditAction.terminal.disable',
  'terminal.enable': 'auditAction.terminal.enable',
  'terminal.revoke': 'auditAction.terminal.revoke',
  'terminal.lock': 'auditAction.terminal.lock',
  'terminal.unlock': 'auditAction.terminal.unlock',
  'terminal.endSession': 'auditAction.terminal.endSession',
  'terminal.notice': 'auditAction.terminal.notice',
  'room.create': 'auditAction.room.create',
  'timetable.slotAdd': 'auditAction.timetable.slotAdd',
  'timetable.slotRemove': 'auditAction.timetable.slotRemove',
  'timetable.holidaySet': 'auditAction.timetable.holidaySet',
  'timetable.holidayRemove': 'auditAction.timetable.holidayRemove',
  'system.demoSeeded': 'auditAction.system.demoSeeded',
} as const satisfies Record<string, MessageKey>;

export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;

export function isAuditAction(code: string): code is AuditAction {
  return Object.hasOwn(AUDIT_ACTION_LABELS, code);
}

/**
 * The label of one entry's action. A sign-in reads by who signed in: a
 * released person on the portal, a learner on a terminal (the entry itself
 * only says which credentials were used). Null for a code without a label
 * (shown as the code itself).
 */
export function auditActionLabel(action: string, actorRole: Role | null = null): MessageKey | null {
  if (action === 'auth.login' && actorRole === 'released') return 'auditAction.auth.loginPortal';
  if (action === 'auth.login' && actorRole === 'learner') return 'auditAction.auth.loginTerminal';
  return isAuditAction(action) ? AUDIT_ACTION_LABELS[action] : null;
}

/** Detail keys with a label; the value of an `…Id` key of a person, room, terminal, course or programme is shown by name. */
export const AUDIT_DETAIL_LABELS: Readonly<Record<string, MessageKey>> = {
  reason: 'auditDetail.reason',
  note: 'auditDetail.note',
  failures: 'auditDetail.failures',
  by: 'auditDetail.by',
  until: 'auditDetail.until',
  sessionsEnded: 'auditDetail.sessionsEnded',
  terminalId: 'auditDetail.terminalId',
  learnerUserId: 'auditDetail.learnerUserId',
  learnerId: 'auditDetail.learnerId',
  userId: 'auditDetail.userId',
  name: 'auditDetail.name',
  roomId: 'auditDetail.roomId',
  fromRoomId: 'auditDetail.fromRoomId',
  toRoomId: 'auditDetail.toRoomId',
  from: 'auditDetail.from',
  to: 'auditDetail.to',
  message: 'auditDetail.message',
  signedIn: 'auditDetail.signedIn',
  programmeId: 'auditDetail.programmeId',
  courseId: 'auditDetail.courseId',
  title: 'auditDetail.title',
  changed: 'auditDetail.changed',
  username: 'auditDetail.username',
  role: 'auditDetail.role',
  serial: 'auditDetail.serial',
  inmateNumber: 'auditDetail.inmateNumber',
  date: 'auditDetail.date',
  releasedOn: 'auditDetail.releasedOn',
  closedPlacements: 'auditDetail.closedPlacements',
  points: 'auditDetail.points',
  maxPoints: 'auditDetail.maxPoints',
  passed: 'auditDetail.passed',
  heldOn: 'auditDetail.heldOn',
  expiresAt: 'auditDetail.expiresAt',
  file: 'auditDetail.file',
  files: 'auditDetail.files',
  learners: 'auditDetail.learners',
  facilities: 'auditDetail.facilities',
  via: 'auditDetail.via',
  before: 'auditDetail.before',
  after: 'auditDetail.after',
};

/** Detail keys not shown: internal bookkeeping. */
export const AUDIT_HIDDEN_DETAILS: ReadonlySet<string> = new Set(['demo', 'noticeId']);

/** Whether a detail is left out of this action's entry: a sign-in's credential kind is what its label already says. */
export function auditDetailHidden(action: string, key: string): boolean {
  return AUDIT_HIDDEN_DETAILS.has(key) || (key === 'kind' && action.startsWith('auth.'));
}

/** Reason values with a label of their own (others: a message key is translated, anything else shown as it is). */
export const AUDIT_REASON_LABELS: Readonly<Record<string, MessageKey>> = {
  idle: 'auditReason.idle',
  expired: 'auditReason.expired',
  barred: 'auditReason.barred',
  hours_over: 'auditReason.hours_over',
  wrongPlace: 'auditReason.wrongPlace',
  inactive: 'auditReason.inactive',
  notInCustody: 'auditReason.notInCustody',
  account: 'auditReason.account',
  address: 'auditReason.address',
  timeOver: 'room.endReason.timeOver',
  behaviour: 'room.endReason.behaviour',
  technical: 'room.endReason.technical',
  other: 'room.endReason.other',
};
