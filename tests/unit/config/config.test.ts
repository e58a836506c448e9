import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/lib/server/config.ts';

const MIN = 60_000;

describe('configuration', () => {
  test('with nothing set, the server uses safe defaults', () => {
    const c = loadConfig({});
    expect(c.dataDir).toBe(path.resolve('db/data'));
    expect(c.databaseFile).toBe(path.join(path.resolve('db/data'), 'tilts.db'));
    expect(c.idleMs).toEqual({ learner: 15 * MIN, staff: 30 * MIN });
    expect(c.sessionMaxMs).toBe(12 * 60 * MIN);
    expect(c.publicOrigin).toBeNull();
    expect(c.secureCookies).toBe('auto');
    expect(c.consultationMonths).toBe(6);
    expect([c.host, c.port]).toEqual(['localhost', 4321]);
  });

  test('values from the environment are read and converted', () => {
    const c = loadConfig({
      TILTS_DATA_DIR: '/srv/tilts',
      TILTS_IDLE_MINUTES_LEARNER: '10',
      TILTS_IDLE_MINUTES_STAFF: '45',
      TILTS_SESSION_MAX_HOURS: '8',
      TILTS_PUBLIC_ORIGIN: 'https://tilts.example.lv/some/path',
      TILTS_SECURE_COOKIES: 'true',
      TILTS_CONSULTATION_MONTHS: '3',
    });
    expect(c).toMatchObject({
      dataDir: '/srv/tilts',
      databaseFile: '/srv/tilts/tilts.db',
      idleMs: { learner: 10 * MIN, staff: 45 * MIN },
      sessionMaxMs: 8 * 60 * MIN,
      publicOrigin: 'https://tilts.example.lv',
      secureCookies: 'true',
      consultationMonths: 3,
    });
  });

  test.each([
    ['TILTS_IDLE_MINUTES_LEARNER', 'fifteen'],
    ['TILTS_IDLE_MINUTES_STAFF', '-5'],
    ['TILTS_SESSION_MAX_HOURS', '1000'],
    ['TILTS_PUBLIC_ORIGIN', 'not a url'],
    ['TILTS_SECURE_COOKIES', 'yes'],
    ['TILTS_CONSULTATION_MONTHS', '0'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '43.5'],
  ])('a bad %s (%j) stops the server with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration:[\\s\\S]*${name}`));
  });

  test('a bad value is one line naming the variable, its value and what it must be', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/^Invalid configuration: PORT="abc" must be a port number from 1 to 65535$/);
  });

  test('every bad variable is named at once', () => {
    let message = '';
    try {
      loadConfig({ TILTS_IDLE_MINUTES_LEARNER: 'x', TILTS_SECURE_COOKIES: 'maybe' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('TILTS_IDLE_MINUTES_LEARNER');
    expect(message).toContain('TILTS_SECURE_COOKIES');
  });

  test('unrelated environment variables are ignored', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'production' })).not.toThrow();
  });
});
