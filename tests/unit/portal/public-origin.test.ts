import { describe, expect, test } from 'vitest';
import { isPublicOriginRequest, publicOriginGate } from '../../../src/lib/server/portal/public-origin.ts';

const config = { publicOrigin: 'https://tilts.example.lv' };

describe('the public origin', () => {
  test('is recognised by the host the proxy forwards, whatever the scheme and port inside', () => {
    expect(isPublicOriginRequest(new URL('http://tilts.example.lv/portal'), config)).toBe(true);
    expect(isPublicOriginRequest(new URL('http://TILTS.example.lv:4321/portal'), config)).toBe(true);
    expect(isPublicOriginRequest(new URL('http://tilts.intranet.lan/portal'), config)).toBe(false);
    expect(isPublicOriginRequest(new URL('http://tilts.example.lv.evil.test/'), config)).toBe(false);
    expect(isPublicOriginRequest(new URL('http://tilts.example.lv/portal'), { publicOrigin: null })).toBe(false);
  });

  test.each(['/verify', '/verify/TLT-2026-2222-2222', '/portal', '/portal/activate', '/portal/login', '/portal/transcript.pdf', '/lang', '/logout', '/healthz', '/api/session/touch', '/_astro/x.css', '/favicon.svg'])(
    'answers %s',
    (path) => expect(publicOriginGate(path, '')).toBeNull(),
  );

  test.each(['/learn', '/staff', '/staff/learners/1/portal', '/teach', '/admin', '/supervise', '/consult', '/account', '/api/learn/heartbeat', '/about', '/media/abc', '/h5p/player/1/main.bundle.js', '/verifyX', '/portalX', '/404', '/500'])(
    'answers %s with 404',
    (path) => expect(publicOriginGate(path, '')).toBe('notFound'),
  );

  test('sends the root and the intranet sign-in page to the portal’s own', () => {
    expect(publicOriginGate('/', '')).toEqual({ redirect: '/portal' });
    expect(publicOriginGate('/login', '?next=%2Fportal&reason=idle')).toEqual({ redirect: '/portal/login?next=%2Fportal&reason=idle' });
  });
});
