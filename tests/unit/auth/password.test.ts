import { describe, expect, test } from 'vitest';
import { dummyVerify, generatePassword, generatePin, hashSecret, verifySecret } from '../../../src/lib/server/password.ts';

describe('password and PIN hashing', () => {
  test('a hashed password verifies with the same password and fails with any other', async () => {
    const hash = await hashSecret('kaķis-un-suns-2026');
    expect(await verifySecret(hash, 'kaķis-un-suns-2026')).toBe(true);
    expect(await verifySecret(hash, 'kaķis-un-suns-2027')).toBe(false);
    expect(await verifySecret(hash, '')).toBe(false);
  });

  test('the hash is scrypt$N$r$p$salt$key and never contains the secret', async () => {
    const hash = await hashSecret('1234');
    const parts = hash.split('$');
    expect(parts).toHaveLength(6);
    expect(parts[0]).toBe('scrypt');
    expect(Number(parts[1])).toBeGreaterThanOrEqual(2 ** 14);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32);
    expect(hash).not.toContain('1234');
  });

  test('the same PIN hashed twice gives different hashes (salted)', async () => {
    const [a, b] = await Promise.all([hashSecret('2468'), hashSecret('2468')]);
    expect(a).not.toBe(b);
    expect(await verifySecret(b, '2468')).toBe(true);
  });

  test('a malformed stored hash never verifies', async () => {
    expect(await verifySecret('plain-text-password', 'plain-text-password')).toBe(false);
    expect(await verifySecret('bcrypt$1$2$3$4$5', '5')).toBe(false);
  });

  test('unknown accounts are checked against a dummy hash and always fail', async () => {
    expect(await dummyVerify('anything')).toBe(false);
  });
});

describe('credential generators', () => {
  test('a learner PIN is six digits and PINs vary', () => {
    const pins = Array.from({ length: 50 }, generatePin);
    for (const pin of pins) expect(pin).toMatch(/^\d{6}$/);
    expect(new Set(pins).size).toBeGreaterThan(40);
  });

  test('a temporary staff password has 12 characters without look-alikes (0 O 1 l I)', () => {
    const passwords = Array.from({ length: 50 }, generatePassword);
    for (const p of passwords) {
      expect(p).toMatch(/^[A-Za-z2-9]{12}$/);
      expect(p).not.toMatch(/[01OlI]/);
    }
    expect(new Set(passwords).size).toBe(50);
  });
});
