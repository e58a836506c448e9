// Makes sure the browser tests have a Chromium: Debian's /usr/bin/chromium.
// Playwright's own browser download needs the internet, which CI and the
// prison intranet do not have, so the tests use the system package.
//
//   node scripts/ensure-chromium.ts   prints the path, installing it when it
//                                     can (root with apt-get), else says what
//                                     to install (and fails when CI=true).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Where Debian (and most distributions) put Chromium, in order of preference. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Flags for a headless Chromium in a container: no sandbox (root), no GPU, no calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** The Chromium to use: $CHROMIUM_PATH, or the first system one found; null when none. */
export function chromiumPath(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

function run(command: string, args: string[]): boolean {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

/**
 * Returns the Chromium path, installing Debian's package first when it is
 * missing and this process may (root, apt-get present). Returns null, after
 * saying what to install, when it cannot.
 */
export function ensureChromium(): string | null {
  const found = chromiumPath();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = fs.existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    console.log('Chromium is missing: INSTALLING the Debian package "chromium" with apt-get (needs the Debian mirrors)…');
    if (run('apt-get', ['update']) && run('apt-get', ['install', '-y', 'chromium'])) {
      const installed = chromiumPath();
      if (installed) {
        console.log(`Installed ${installed}.`);
        return installed;
      }
    }
    console.error('Installing chromium with apt-get failed (see above).');
    return null;
  }
  console.error(
    [
      'The browser tests need Chromium, and none was found (looked for: ' + CHROMIUM_CANDIDATES.join(', ') + ').',
      'Install it, then run the tests again:',
      '  Debian/Ubuntu:  sudo apt-get install chromium      (Ubuntu: chromium-browser)',
      '  or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    ].join('\n'),
  );
  return null;
}

if (import.meta.main) {
  const found = ensureChromium();
  if (found) console.log(found);
  else if (process.env.CI === 'true') process.exit(1);
}
