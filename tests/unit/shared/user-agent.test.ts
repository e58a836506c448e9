import { describe, expect, test } from 'vitest';
import { describeUserAgent } from '../../../src/lib/shared/user-agent.ts';

describe('a pending device as the supervisor reads it', () => {
  test('the kiosk Chromium on Debian, Chrome on Windows, Firefox on Linux, Edge (which also says Chrome)', () => {
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/131.0.6778.85 Chrome/131.0.6778.85 Safari/537.36')).toEqual({ browser: 'Chromium 131', os: 'Linux' });
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36')).toEqual({ browser: 'Chrome 130', os: 'Windows' });
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toEqual({ browser: 'Firefox 128', os: 'Linux' });
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0')).toEqual({ browser: 'Edge 130', os: 'Windows' });
  });

  test('nothing recognisable, or nothing at all, gives no name (never the raw header)', () => {
    expect(describeUserAgent('<script>alert(1)</script>')).toEqual({ browser: null, os: null });
    expect(describeUserAgent(null)).toEqual({ browser: null, os: null });
  });
});
