import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  ACCOUNT_RULES,
  ADDRESS_RULES,
  checkThrottle,
  clearThrottle,
  recordFailure,
  type ThrottleRules,
} from '../../../src/lib/server/login-throttle.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const RULES: ThrottleRules = { freeFailures: 2, baseDelayMs: 1_000, lockAfter: 5, lockMs: 600_000, forgetAfterMs: 3_600_000 };

let t: TestDb;
beforeEach(() => {
  t = createTestDb();
});
afterEach(() => t.cleanup());

describe('login throttle rules', () => {
  test('the first failures are free, then each delay doubles', () => {
    expect(recordFailure(t.db, 'k', RULES, T0)).toEqual({ failures: 1, locked: false, blockedUntil: 0 });
    expect(recordFailure(t.db, 'k', RULES, T0)).toEqual({ failures: 2, locked: false, blockedUntil: 0 });
    expect(checkThrottle(t.db, 'k', RULES, T0)).toEqual({ allowed: true });
    expect(recordFailure(t.db, 'k', RULES, T0).blockedUntil).toBe(T0 + 1_000);
    expect(checkThrottle(t.db, 'k', RULES, T0 + 400)).toEqual({ allowed: false, retryAfterMs: 600, locked: false });
    expect(checkThrottle(t.db, 'k', RULES, T0 + 1_000)).toEqual({ allowed: true });
    expect(recordFailure(t.db, 'k', RULES, T0 + 1_000).blockedUntil).toBe(T0 + 1_000 + 2_000);
  });

  test('the failure that reaches lockAfter locks the key for lockMs', () => {
    for (let i = 1; i < RULES.lockAfter; i++) recordFailure(t.db, 'k', RULES, T0);
    const lock = recordFailure(t.db, 'k', RULES, T0);
    expect(lock).toEqual({ failures: RULES.lockAfter, locked: true, blockedUntil: T0 + RULES.lockMs });
    expect(checkThrottle(t.db, 'k', RULES, T0 + RULES.lockMs - 1)).toEqual({ allowed: false, retryAfterMs: 1, locked: true });
    expect(checkThrottle(t.db, 'k', RULES, T0 + RULES.lockMs)).toEqual({ allowed: true });
  });

  test('a failure right after a lock ends locks the key again', () => {
    for (let i = 0; i < RULES.lockAfter; i++) recordFailure(t.db, 'k', RULES, T0);
    const again = recordFailure(t.db, 'k', RULES, T0 + RULES.lockMs);
    expect(again).toEqual({ failures: RULES.lockAfter + 1, locked: true, blockedUntil: T0 + 2 * RULES.lockMs });
  });

  test('after a quiet period the count starts again', () => {
    for (let i = 0; i < 4; i++) recordFailure(t.db, 'k', RULES, T0);
    expect(recordFailure(t.db, 'k', RULES, T0 + RULES.forgetAfterMs + 1)).toEqual({ failures: 1, locked: false, blockedUntil: 0 });
  });

  test('keys are counted apart and clearing one leaves the others', () => {
    for (let i = 0; i < 3; i++) recordFailure(t.db, 'a', RULES, T0);
    recordFailure(t.db, 'b', RULES, T0);
    clearThrottle(t.db, 'a');
    expect(checkThrottle(t.db, 'a', RULES, T0)).toEqual({ allowed: true });
    expect(recordFailure(t.db, 'a', RULES, T0).failures).toBe(1);
    expect(recordFailure(t.db, 'b', RULES, T0).failures).toBe(2);
  });

  test('a shared terminal-room address tolerates more failures than one account', () => {
    expect(ADDRESS_RULES.freeFailures).toBeGreaterThan(ACCOUNT_RULES.freeFailures);
    expect(ADDRESS_RULES.lockAfter).toBeGreaterThan(ACCOUNT_RULES.lockAfter);
    expect(ACCOUNT_RULES.lockAfter).toBeGreaterThan(ACCOUNT_RULES.freeFailures);
  });
});
