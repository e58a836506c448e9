import os from 'node:os';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/lib/server/config.ts';
import { bodyLimit, FORM_LIMIT } from '../../../src/lib/server/http/body-limits.ts';
import { safeNext, sessionCsrfToken, submittedCsrfToken } from '../../../src/lib/server/http/cookies.ts';
import { parseHost } from '../../../src/lib/server/http/host.ts';
import { edgeFacts, isKnownHost, isTrustedProxy } from '../../../src/lib/server/http/proxy.ts';
import { sessionIdFromToken } from '../../../src/lib/server/session.ts';

/** A request as the HTTP server sees it: the TCP peer and a few headers. */
const request = (peer: string, headers: Record<string, string>) => ({
  peer,
  encrypted: false,
  header: (name: string) => headers[name],
});

describe('the return path after sign-in (next=)', () => {
  test.each(['/learn', '/learn/courses/c1/3?tab=notes', '/portal/certificates', '/a%2F%2Fb'])('keeps our own path %s', (path) => {
    expect(safeNext(path)).toBe(path);
  });
  test.each(['/\t/evil.test', '//evil.test', '/\\evil.test', '/\\/evil.test', '/ok\nLocation: x', '/ok\r\n', 'https://evil.test/', 'evil', '/\u0007bell', '/ok\u202E', ' /x', '/x'.repeat(300)])(
    'sends %j to the start page instead',
    (path) => {
      expect(safeNext(path)).toBe('/');
    },
  );
});

describe('host headers', () => {
  test('a trailing dot, letter case and the port do not make another host', () => {
    expect(parseHost('Public.Test.:8080')).toEqual({ hostname: 'public.test', port: '8080' });
    expect(parseHost('[::1]:4321')).toEqual({ hostname: '[::1]', port: '4321' });
  });
  test.each(['a@b', 'a b', 'a/b', 'a\\b', 'a:b:c', 'a:99999', '', '[zz]', '..', 'a..b', 'x:'])('%j is malformed', (value) => {
    expect(parseHost(value)).toBeNull();
  });
  test('the intranet answers on loopback names, the machine and its HOST by default; otherwise the configured hosts', () => {
    const defaults = loadConfig({ HOST: 'tilts.lan' });
    for (const name of ['localhost', '127.0.0.1', '[::1]', 'tilts.lan', os.hostname().toLowerCase()]) expect(isKnownHost({ hostname: name, port: null }, defaults)).toBe(true);
    expect(isKnownHost({ hostname: 'evil.test', port: null }, defaults)).toBe(false);
    const configured = loadConfig({ TILTS_ALLOWED_HOSTS: 'Tilts.IEVP.lan., 10.20.0.5', TILTS_PUBLIC_ORIGIN: 'https://public.test' });
    expect(configured.allowedHosts).toEqual(['tilts.ievp.lan', '10.20.0.5']);
    expect(isKnownHost({ hostname: 'public.test', port: null }, configured)).toBe(true);
    expect(isKnownHost({ hostname: 'localhost', port: null }, configured)).toBe(false);
  });
  test('a bad list stops the server with the variable named', () => {
    expect(() => loadConfig({ TILTS_ALLOWED_HOSTS: 'https://x.lv' })).toThrow(/TILTS_ALLOWED_HOSTS/);
    expect(() => loadConfig({ TILTS_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TILTS_TRUSTED_PROXIES/);
    expect(() => loadConfig({ TILTS_TRUSTED_PROXIES: 'proxy.lan' })).toThrow(/TILTS_TRUSTED_PROXIES/);
  });
});

describe('forwarded headers', () => {
  const config = loadConfig({ TILTS_TRUSTED_PROXIES: '10.20.0.0/24, ::1' });
  const forwarded = { host: '127.0.0.1:4321', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tilts.ievp.lan', 'x-forwarded-for': '6.6.6.6, 192.168.5.7' };

  test('are believed from a trusted proxy, also on a dual-stack socket', () => {
    expect(isTrustedProxy('::ffff:10.20.0.9', config)).toBe(true);
    expect(edgeFacts(request('10.20.0.9', forwarded), config)).toEqual({
      protocol: 'https:',
      host: { hostname: 'tilts.ievp.lan', port: null },
      // The client wrote 6.6.6.6 itself; the proxy appended the address it saw.
      clientIp: '192.168.5.7',
      viaProxy: true,
    });
  });
  test('are ignored from anyone else', () => {
    expect(edgeFacts(request('192.168.5.7', forwarded), config)).toEqual({
      protocol: 'http:',
      host: { hostname: '127.0.0.1', port: '4321' },
      clientIp: '192.168.5.7',
      viaProxy: false,
    });
  });
  test('are ignored when no proxy is configured', () => {
    expect(edgeFacts(request('10.20.0.9', forwarded), loadConfig({}))?.viaProxy).toBe(false);
  });
  test('a malformed forwarded host is refused like a malformed Host', () => {
    expect(edgeFacts(request('10.20.0.9', { ...forwarded, 'x-forwarded-host': 'a@b' }), config)).toBeNull();
  });
});

test('forms and JSON get a small body limit; only the upload forms more', () => {
  expect(bodyLimit('/login')).toBe(FORM_LIMIT);
  expect(bodyLimit('/api/learn/heartbeat')).toBe(FORM_LIMIT);
  expect(bodyLimit('/teach/author/c1/lesson')).toBeGreaterThan(50 * 1024 * 1024);
  expect(bodyLimit('/staff/roster')).toBeGreaterThan(5 * 1024 * 1024);
  expect(bodyLimit('/staff/rosterx')).toBe(FORM_LIMIT);
});

test("a session's CSRF token is neither its cookie nor its stored id", () => {
  const token = 'abcdefghijklmnopqrstuvwxyz234567';
  expect(sessionCsrfToken(token)).toHaveLength(43);
  expect(sessionCsrfToken(token)).not.toBe(token);
  expect(sessionCsrfToken(token)).not.toContain(sessionIdFromToken(token).slice(0, 10));
  expect(sessionCsrfToken(token)).not.toBe(sessionCsrfToken(token + 'x'));
});

describe('the CSRF token in a form body', () => {
  const post = (type: string, body: string) => new Request('http://x/login', { method: 'POST', headers: { 'content-type': type }, body });
  const token = 't'.repeat(43);

  test('is read from the first field of a urlencoded or multipart form', async () => {
    expect(await submittedCsrfToken(post('application/x-www-form-urlencoded', `_csrf=${token}&name=${'a'.repeat(50_000)}`))).toBe(token);
    const multipart = `--b0\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--b0\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n${'z'.repeat(50_000)}\r\n--b0--\r\n`;
    expect(await submittedCsrfToken(post('multipart/form-data; boundary=b0', multipart))).toBe(token);
  });

  test('is not looked for past the first 8 KB, so the check never parses a whole body', async () => {
    expect(await submittedCsrfToken(post('application/x-www-form-urlencoded', `name=${'a'.repeat(20_000)}&_csrf=${token}`))).toBeNull();
  });

  test('the page still reads the whole body after the check', async () => {
    const request = post('application/x-www-form-urlencoded', `_csrf=${token}&name=${'a'.repeat(50_000)}`);
    await submittedCsrfToken(request);
    expect((await request.formData()).get('name')).toHaveLength(50_000);
  });
});
