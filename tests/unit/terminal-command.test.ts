import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  chromiumArgs,
  chromiumCommand,
  managedPolicy,
  parseServerUrl,
  serverWarnings,
  shellQuote,
  type TerminalServer,
} from '../../scripts/lib/terminal-command.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const CHROMIUM = '/usr/bin/chromium';

function server(url: string): TerminalServer {
  const parsed = parseServerUrl(url);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.server;
}

/** Runs `node scripts/terminal-command.ts <args>` as `npm run terminal:command -- <args>` does. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['scripts/terminal-command.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Undoes shellQuote for the subset it produces (bare words and single-quoted words), as `sh` would. */
function shellSplit(command: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of command.replace(/\\\n/g, ' ').matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return words;
}

describe('the server address an administrator types', () => {
  test('a plain http(s) origin is accepted, with its effective port', () => {
    expect(server('https://tilts.cietums.lv')).toMatchObject({ origin: 'https://tilts.cietums.lv:443', startUrl: 'https://tilts.cietums.lv/terminal' });
    expect(server('http://10.20.0.5:4321/')).toMatchObject({ origin: 'http://10.20.0.5:4321', host: '10.20.0.5', port: 4321 });
    expect(server('HTTP://Tilts.Local:8080')).toMatchObject({ origin: 'http://tilts.local:8080', startUrl: 'http://tilts.local:8080/terminal' });
    expect(server('http://[fd00::5]:4321')).toMatchObject({ host: '[fd00::5]', port: 4321 });
  });

  test.each([
    ['', /no server address/],
    ['tilts.local', /http:\/\/ or https:\/\//],
    ['ftp://tilts.local', /http:\/\/ or https:\/\//],
    ['javascript:alert(1)', /http:\/\/ or https:\/\//],
    ['http://admin:secret@tilts.local', /user name or password/],
    ['http://tilts.local@evil.example', /user name or password/],
    ['http://tilts.local/learn', /no path/],
    ['http://tilts.local/../etc', /no path/],
    ['http://tilts.local?x=1', /no path/],
    ['http://tilts.local#x', /no path/],
    ['http://tilts.local\\@evil', /user name|no path/],
    ['http://tilts local', /no path/],
    ['http://*.local', /plain host name/],
    ['http://a,b.local', /plain host name/],
    ['http://a;b.local', /plain host name/],
    ['http://tilts.local:99999', /not a valid address/],
  ])('%j is refused', (input, reason) => {
    const result = parseServerUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  test('an IP address comes with a warning that only the policy and the firewall hold the port', () => {
    expect(serverWarnings(server('http://10.20.0.5:4321'))).toHaveLength(1);
    expect(serverWarnings(server('https://tilts.cietums.lv'))).toEqual([]);
  });
});

describe('the Chromium command line', () => {
  const s = () => server('https://tilts.cietums.lv');

  test('starts in kiosk mode on the device page, the start page last', () => {
    const args = chromiumArgs(s());
    expect(args).toContain('--kiosk');
    expect(args.at(-1)).toBe('https://tilts.cietums.lv/terminal');
  });

  test('turns off first run, sync, background networking and component updates', () => {
    const args = chromiumArgs(s());
    for (const flag of ['--no-first-run', '--disable-sync', '--disable-background-networking', '--disable-component-update', '--disable-extensions']) {
      expect(args).toContain(flag);
    }
  });

  test('opens no developer tools, debugging port or printing shortcut', () => {
    const joined = chromiumArgs(s()).join(' ');
    expect(joined).not.toMatch(/devtools|remote-debugging|kiosk-printing|disable-web-security|--no-sandbox/);
  });

  test('reaches only the server: a dead proxy for everything else, the server alone bypasses it and resolves', () => {
    const args = chromiumArgs(s());
    expect(args).toContain('--proxy-server=127.0.0.1:9');
    expect(args).toContain('--proxy-bypass-list=<-loopback>;https://tilts.cietums.lv:443');
    expect(args).toContain('--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE tilts.cietums.lv');
  });

  test('uses the profile folder and binary asked for', () => {
    const args = chromiumArgs(s(), { profileDir: '/srv/kiosk profile' });
    expect(args).toContain('--user-data-dir=/srv/kiosk profile');
    expect(chromiumCommand(s(), { chromium: '/opt/chromium/chrome' })).toMatch(/^\/opt\/chromium\/chrome /);
  });

  test('is quoted so that a shell passes every argument through unchanged', () => {
    const options = { profileDir: "/srv/it's kiosk", chromium: '/usr/bin/chromium' };
    const words = shellSplit(chromiumCommand(s(), options));
    expect(words).toEqual(['/usr/bin/chromium', ...chromiumArgs(s(), options)]);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$(reboot)')).toBe("'$(reboot)'");
  });
});

describe('the managed policy', () => {
  test('allows only the server and blocks developer tools, downloads, printing and file pickers', () => {
    const policy = managedPolicy(server('http://tilts.local:4321'));
    expect(policy).toMatchObject({
      URLBlocklist: ['*'],
      URLAllowlist: ['http://tilts.local:4321'],
      DeveloperToolsAvailability: 2,
      DownloadRestrictions: 3,
      PrintingEnabled: false,
      AllowFileSelectionDialogs: false,
      IncognitoModeAvailability: 1,
      BrowserGuestModeEnabled: false,
      ProxySettings: { ProxyMode: 'fixed_servers', ProxyServer: '127.0.0.1:9', ProxyBypassList: '<-loopback>;http://tilts.local:4321' },
      RestoreOnStartupURLs: ['http://tilts.local:4321/terminal'],
    });
  });
});

describe('npm run terminal:command', () => {
  test('prints the command line and exits 0', async () => {
    const result = await cli(['--server', 'https://tilts.cietums.lv']);
    expect(result.code, result.stderr).toBe(0);
    expect(shellSplit(result.stdout.trim())).toEqual(['/usr/bin/chromium', ...chromiumArgs(server('https://tilts.cietums.lv'))]);
    expect(result.stderr).toBe('');
  });

  test('--policy prints the policy as JSON', async () => {
    const result = await cli(['--server=http://tilts.local:4321', '--policy']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(managedPolicy(server('http://tilts.local:4321')));
  });

  test('--help prints the usage and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: npm run terminal:command -- --server <url>/);
  });

  test.each([
    [[], /--server <url> is required/],
    [['--server'], /--server needs a value/],
    [['--server', 'http://tilts.local/learn'], /no path/],
    [['--server', 'http://tilts.local', '--frobnicate'], /unknown argument "--frobnicate"/],
    [['--server', 'http://tilts.local', '--profile-dir', 'relative/dir'], /--profile-dir must be an absolute path/],
    [['--server', 'http://a.local', '--server', 'http://b.local'], /given twice/],
  ])('%j exits 2 with the reason and the usage', async (args, reason) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toMatch(/Usage:/);
  });

  test('warns on stderr about an IP address, still printing the command', async () => {
    const result = await cli(['--server', 'http://10.20.0.5:4321']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--kiosk/);
    expect(result.stderr).toMatch(/^warning: 10\.20\.0\.5 is an IP address/);
  });
});

// The network arrangement, tried on the real browser: Chromium started with the printed flags
// (headless instead of kiosk) reaches the server and nothing else, not even another local port.
describe.runIf(fs.existsSync(CHROMIUM))('Chromium started with these flags', () => {
  let allowed: http.Server;
  let other: http.Server;
  let profile: string;
  const page = (name: string) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${name}</p>`);
  };
  const listen = async (srv: http.Server) => {
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    return (srv.address() as AddressInfo).port;
  };
  let allowedPort = 0;
  let otherPort = 0;

  beforeAll(async () => {
    allowed = http.createServer(page('TILTS'));
    other = http.createServer(page('ELSEWHERE'));
    allowedPort = await listen(allowed);
    otherPort = await listen(other);
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-kiosk-'));
  });
  afterAll(() => {
    allowed?.close();
    other?.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });

  function visit(url: string): Promise<string> {
    const args = chromiumArgs(server(`http://localhost:${allowedPort}`), { profileDir: profile }).filter((a) => a !== '--kiosk' && !a.startsWith('http'));
    // --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
    const argv = ['--headless', '--no-sandbox', ...args, '--dump-dom', url];
    return new Promise((resolve) => {
      execFile(CHROMIUM, argv, { timeout: 45_000 }, (_error, stdout, stderr) => resolve(`${stdout}\n${stderr}`));
    });
  }

  test('the server is reachable; another port, another address and another host are not', async () => {
    expect(await visit(`http://localhost:${allowedPort}/terminal`)).toMatch(/<p>TILTS<\/p>/);
    for (const url of [`http://localhost:${otherPort}/`, `http://127.0.0.1:${otherPort}/`, `http://127.0.0.1:${allowedPort}/`, 'http://example.com/']) {
      const output = await visit(url);
      expect(output, url).not.toMatch(/<p>(TILTS|ELSEWHERE)<\/p>/);
      expect(output, url).toMatch(/ERR_PROXY_CONNECTION_FAILED|ERR_NAME_NOT_RESOLVED/);
    }
  }, 240_000);
});
