import { isMessageKey, type MessageKey } from '../i18n/index.ts';

/**
 * The one table from a domain result's code to the message the person reads.
 * Domain functions answer expected failures with a code (`{ ok: false, code:
 * 'placement.full' }`); most codes are message keys of their own, and the
 * few that are not (the generic ones every domain shares) are mapped here, so
 * no page remaps `auth.forbidden` by hand. tests/unit/architecture checks
 * that every code written under src/lib/server resolves to a message.
 */
const MESSAGE_OF_CODE: Readonly<Record<string, MessageKey>> = {
  // Generic answers every domain gives.
  'auth.forbidden': 'error.forbiddenBody',
  forbidden: 'error.forbiddenBody',
  notFound: 'error.notFoundBody',
  'user.notFound': 'error.notFoundBody',
  'user.isLearner': 'error.forbiddenBody',
  // Forged or stale values a form cannot produce.
  'activity.none': 'validation.badForm',
  'activity.wrongContent': 'validation.badForm',
  'consultation.invalid': 'validation.invalid',
  // Sign-in refusals (the sign-in forms tell a wrong PIN from a wrong password themselves).
  'auth.invalid': 'login.wrongPassword',
  'auth.throttled': 'login.throttled',
  'auth.locked': 'login.locked',
  'auth.inactive': 'login.inactive',
  'terminal.none': 'terminal.refusedNone',
  'terminal.pending': 'terminal.refusedPending',
  'terminal.disabled': 'terminal.refusedDisabled',
  'terminal.locked': 'terminal.refusedLocked',
  'terminal.otherFacility': 'terminal.refusedOtherFacility',
  'terminal.closed': 'terminal.refusedClosed',
};

/**
 * Codes answered otherwise than 400: 401 a sign-in that failed; 403 the
 * person may not do this at all (or not here); 409 the page was out of date;
 * 429 too many tries.
 */
const STATUS_OF_CODE: Readonly<Record<string, 401 | 403 | 409 | 429>> = {
  'auth.forbidden': 403,
  forbidden: 403,
  'user.isLearner': 403,
  'room.sessionChanged': 409,
  'auth.invalid': 401,
  'auth.inactive': 401,
  'auth.throttled': 429,
  'auth.locked': 429,
  'terminal.none': 403,
  'terminal.pending': 403,
  'terminal.disabled': 403,
  'terminal.locked': 403,
  'terminal.otherFacility': 403,
  'terminal.closed': 403,
  'activation.throttled': 429,
  'activation.locked': 429,
};

/** The message for a domain result's code; an unknown code (a bug) reads as a generic "not valid". */
export function messageOfCode(code: string): MessageKey {
  return MESSAGE_OF_CODE[code] ?? (isMessageKey(code) ? code : 'validation.invalid');
}

/** Whether `code` has a message of its own or in the table (not the generic fallback). */
export function hasMessage(code: string): boolean {
  return code in MESSAGE_OF_CODE || isMessageKey(code);
}

/** The HTTP status a page answers with when an action fails with `code`. */
export function statusOfCode(code: string): 400 | 401 | 403 | 409 | 429 {
  return STATUS_OF_CODE[code] ?? 400;
}
