import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createHmac } from 'node:crypto';
import { createPrison } from '../../helpers/fixture.ts';
import { stmt } from '../../../src/lib/server/db.ts';
import { approveTerminal, changeTerminal, createRoom, enrolDevice, terminalFromCredential } from '../../../src/lib/server/terminals/terminals.ts';
import { newCredentialSecret, signCredential } from '../../../src/lib/server/terminals/credential.ts';

let p: Awaited<ReturnType<typeof createPrison>>;
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

const meta = { ip: '10.0.0.5', userAgent: 'kiosk' };
let rooms = 0;

function approved() {
  const { terminal, cookie } = enrolDevice(p.db, null, meta);
  const room = createRoom(p.db, p.admin.user, { facilityId: p.facilityA.id, roomName: `Klase ${++rooms}` });
  if (!room.ok) throw new Error(room.code);
  expect(approveTerminal(p.db, p.admin.user, { code: terminal.enrolmentCode!, roomId: room.roomId, name: 'T1' })).toEqual({ ok: true, terminalId: terminal.id });
  return { id: terminal.id, cookie: cookie! };
}

describe('device credentials', () => {
  test('the genuine cookie names its approved terminal', () => {
    const t = approved();
    expect(terminalFromCredential(p.db, t.cookie)).toMatchObject({ id: t.id, status: 'approved', name: 'T1', facilityId: p.facilityA.id });
  });

  test('a wrong HMAC, a tampered secret, another id or garbage are refused', () => {
    const t = approved();
    const [id, secret, mac] = t.cookie.split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(terminalFromCredential(p.db, `${id}.${secret}.${flip(mac!)}`)).toBeNull();
    expect(terminalFromCredential(p.db, `${id}.${flip(secret!)}.${mac}`)).toBeNull();
    expect(terminalFromCredential(p.db, `${Number(id) + 1}.${secret}.${mac}`)).toBeNull();
    expect(terminalFromCredential(p.db, 'x')).toBeNull();
    expect(terminalFromCredential(p.db, '')).toBeNull();
  });

  test('a cookie signed with another key is refused even with the right id and secret shape', () => {
    const t = approved();
    const [id, secret] = t.cookie.split('.');
    const forged = createHmac('sha256', Buffer.alloc(32, 7)).update(`${id}.${secret}`).digest('base64url');
    expect(terminalFromCredential(p.db, `${id}.${secret}.${forged}`)).toBeNull();
  });

  test("a correctly signed cookie for another terminal's id with a secret it does not hold is refused", () => {
    const a = approved();
    const b = approved();
    const { secret } = newCredentialSecret();
    expect(terminalFromCredential(p.db, signCredential(p.db, b.id, secret))).toBeNull();
    expect(terminalFromCredential(p.db, a.cookie)?.id).toBe(a.id);
  });

  test('a revoked terminal refuses its old cookie', () => {
    const t = approved();
    expect(changeTerminal(p.db, p.admin.user, t.id, { kind: 'revoke' }).ok).toBe(true);
    expect(terminalFromCredential(p.db, t.cookie)).toBeNull();
    expect(stmt(p.db, 'SELECT status FROM terminal WHERE id = ?').pluck().get(t.id)).toBe('revoked');
  });
});
