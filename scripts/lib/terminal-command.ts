/**
 * The Chromium command line and managed policy of a Tilts terminal
 * (docs/terminal-setup.md). Pure functions: `npm run terminal:command`
 * prints what they return, the unit tests check them.
 *
 * Two layers, because flags alone cannot lock a browser down: the command
 * line starts Chromium in kiosk mode on the server's device page with every
 * background service off and a network arrangement that reaches only the
 * server; the managed policy (which the kiosk user cannot change) removes
 * developer tools, downloads, printing, file pickers and every URL but the
 * server's. Every flag and policy name here exists in Debian's Chromium.
 */

/** Where Debian's package puts Chromium. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/**
 * A profile folder of its own, writable by the kiosk user only. Not
 * incognito and not thrown away at every start: the terminal's device
 * credential is a cookie that must survive a reboot (else every restart
 * would need a new enrolment). History, passwords and autofill are off by
 * policy, so the profile keeps nothing a learner typed.
 */
export const DEFAULT_PROFILE_DIR = '/var/lib/tilts-kiosk/chromium';
/** Where Chromium on Linux reads mandatory policies. */
export const POLICY_FILE = '/etc/chromium/policies/managed/tilts.json';
/**
 * A proxy nobody answers: every request that is not for the server goes
 * there and fails. Port 9 is the "discard" port, closed on a Debian terminal
 * (the setup guide checks it).
 */
export const DEAD_PROXY = '127.0.0.1:9';

/** A server address that passed validation. */
export interface TerminalServer {
  /** `http://host:port` or `https://host:port`, always with the effective port. */
  origin: string;
  /** The host as Chromium matches it (lower case; IPv6 in brackets). */
  host: string;
  /** The effective port (80/443 when the URL named none). */
  port: number;
  scheme: 'http' | 'https';
  /** The page the terminal starts on: the device page. */
  startUrl: string;
}

export type ServerResult = { ok: true; server: TerminalServer } | { ok: false; reason: string };

// Only a scheme, a host and an optional port, with at most one trailing slash:
// no credentials (user@), no path, query or fragment, no backslashes or spaces.
const SHAPE = /^(https?):\/\/([^\s/\\?#@]+)\/?$/i;
const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/**
 * Checks the server address an administrator typed. Refuses anything but
 * `http(s)://host[:port][/]`: a path, query, fragment or `user@` could make
 * the allow-list or the proxy bypass cover more (or something else) than the
 * server, and characters like `,` `;` `*` would change the meaning of the
 * flag lists they end up in.
 */
export function parseServerUrl(input: string): ServerResult {
  const text = input.trim();
  if (!text) return { ok: false, reason: 'no server address given' };
  const shape = SHAPE.exec(text);
  if (!shape) {
    if (!/^https?:\/\//i.test(text)) return { ok: false, reason: `"${input}" must start with http:// or https://` };
    if (/@/.test(text)) return { ok: false, reason: `"${input}" must not contain a user name or password` };
    return { ok: false, reason: `"${input}" must be only a scheme, host and port (no path, query, fragment, spaces or backslashes)` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `"${input}" is not a valid address` };
  }
  const host = url.hostname.toLowerCase();
  if (!HOSTNAME.test(host) && !IPV6.test(host)) {
    return { ok: false, reason: `"${url.hostname}" is not a plain host name or IP address` };
  }
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  const origin = `${scheme}://${host}:${port}`;
  return { ok: true, server: { origin, host, port, scheme, startUrl: `${url.origin}/terminal` } };
}

export interface CommandOptions {
  /** The Chromium binary (default Debian's). */
  chromium?: string;
  /** The profile folder (default DEFAULT_PROFILE_DIR). */
  profileDir?: string;
}

/**
 * The proxy bypass list: the server only. `<-loopback>` first (a later rule
 * wins, so it must not come after the server's) sends the terminal's own
 * services (CUPS on localhost:631…) to the dead proxy too.
 */
export function proxyBypassList(server: TerminalServer): string {
  return `<-loopback>;${server.scheme}://${server.host}:${server.port}`;
}

/** An IP address rather than a host name (IPv4 dotted, or IPv6 in brackets). */
export function isIpAddress(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * What the administrator must know about this server address. Chromium
 * matches a bypass rule for an IP address without its port (tested with
 * Chromium 156): every port of that address is then reachable directly, and
 * only the policy's URLAllowlist and the firewall keep the terminal on the
 * server's port.
 */
export function serverWarnings(server: TerminalServer): string[] {
  if (!isIpAddress(server.host)) return [];
  return [
    `${server.host} is an IP address: Chromium's proxy bypass cannot limit it to port ${server.port}, so every port of ` +
      `that address is reachable unless the managed policy (--policy) and the terminal's firewall stop it. ` +
      `Prefer a host name (e.g. in /etc/hosts of the terminal).`,
  ];
}

/** Chromium's arguments for a terminal of `server`, start page last. */
export function chromiumArgs(server: TerminalServer, options: CommandOptions = {}): string[] {
  // Nothing resolves but the server's name. The rule covers IP literals too, so an address is
  // excluded as well (IPv6 without brackets: the form Chromium 156 matches).
  const exclude = server.host.replace(/^\[(.*)\]$/, '$1');
  return [
    // Full screen, no address bar, tabs or menus; Alt+F4 and the like are the OS session's job.
    '--kiosk',
    `--user-data-dir=${options.profileDir ?? DEFAULT_PROFILE_DIR}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-search-engine-choice-screen',
    // Nothing in the background talks to anyone: no sync, updates, pings, crash reports, extensions.
    '--disable-sync',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-domain-reliability',
    '--disable-breakpad',
    '--no-pings',
    // No dialogs the learner could use to reach the system (keyring prompt, error dialogs, permission prompts).
    '--password-store=basic',
    '--noerrdialogs',
    '--deny-permission-prompts',
    '--disable-notifications',
    // No swipe-back out of the page on touch screens.
    '--overscroll-history-navigation=0',
    // Only the server is reachable: everything else goes to a proxy that does not answer,
    // and no other host name resolves.
    `--proxy-server=${DEAD_PROXY}`,
    `--proxy-bypass-list=${proxyBypassList(server)}`,
    `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${exclude}`,
    server.startUrl,
  ];
}

/** One argument for a POSIX shell: bare when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_\-+=.,/:@%]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The whole command line, quoted for a POSIX shell (a systemd unit or a session script). */
export function chromiumCommand(server: TerminalServer, options: CommandOptions = {}): string {
  return [options.chromium ?? DEFAULT_CHROMIUM, ...chromiumArgs(server, options)].map(shellQuote).join(' \\\n  ');
}

/**
 * The managed policy for POLICY_FILE. Policies cannot be overridden by the
 * user or by flags; they close what flags cannot (developer tools, downloads,
 * printing, file pickers, other URLs, other profiles).
 */
export function managedPolicy(server: TerminalServer): Record<string, unknown> {
  return {
    // Only the server: every URL is blocked (chrome://, file://, view-source: included) except its origin.
    URLBlocklist: ['*'],
    URLAllowlist: [server.origin],
    // 2 = developer tools (and view-source) disallowed.
    DeveloperToolsAvailability: 2,
    // 3 = block all downloads.
    DownloadRestrictions: 3,
    PrintingEnabled: false,
    AllowFileSelectionDialogs: false,
    // The same network arrangement as the flags, enforced: the dead proxy for everything but the server.
    ProxySettings: { ProxyMode: 'fixed_servers', ProxyServer: DEAD_PROXY, ProxyBypassList: proxyBypassList(server) },
    WebRtcIPHandling: 'disable_non_proxied_udp',
    // One profile, no incognito or guest windows, no signing in to a browser account.
    IncognitoModeAvailability: 1,
    BrowserGuestModeEnabled: false,
    BrowserAddPersonEnabled: false,
    BrowserSignin: 0,
    SyncDisabled: true,
    // Keep nothing the learner typed or visited.
    PasswordManagerEnabled: false,
    AutofillAddressEnabled: false,
    AutofillCreditCardEnabled: false,
    SavingBrowserHistoryDisabled: true,
    // No calls out (the intranet has no internet) and no helpers that would try.
    MetricsReportingEnabled: false,
    SafeBrowsingProtectionLevel: 0,
    SearchSuggestEnabled: false,
    DefaultSearchProviderEnabled: false,
    NetworkPredictionOptions: 2,
    TranslateEnabled: false,
    ComponentUpdatesEnabled: false,
    BackgroundModeEnabled: false,
    EnableMediaRouter: false,
    ExtensionInstallBlocklist: ['*'],
    TaskManagerEndProcessEnabled: false,
    BookmarkBarEnabled: false,
    EditBookmarksEnabled: false,
    AllowDinosaurEasterEgg: false,
    // 2 = block: pop-ups, location, notifications, devices, local files, camera, microphone, screen capture.
    DefaultPopupsSetting: 2,
    DefaultGeolocationSetting: 2,
    DefaultNotificationsSetting: 2,
    DefaultWebBluetoothGuardSetting: 2,
    DefaultWebUsbGuardSetting: 2,
    DefaultSerialGuardSetting: 2,
    DefaultWebHidGuardSetting: 2,
    DefaultFileSystemReadGuardSetting: 2,
    DefaultFileSystemWriteGuardSetting: 2,
    AudioCaptureAllowed: false,
    VideoCaptureAllowed: false,
    ScreenCaptureAllowed: false,
    // Start (and restart) on the device page.
    HomepageLocation: server.startUrl,
    RestoreOnStartup: 4,
    RestoreOnStartupURLs: [server.startUrl],
  };
}

export type CliRequest =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'command' | 'policy'; server: TerminalServer; options: CommandOptions };

/** Reads `--server <url> [--profile-dir <dir>] [--chromium <path>] [--policy] [--help]` (also `--name=value`). */
export function parseCli(argv: readonly string[]): CliRequest {
  const values: Record<string, string> = {};
  let policy = false;
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--policy') {
      policy = true;
      continue;
    }
    const eq = /^--(server|profile-dir|chromium)=(.*)$/s.exec(arg);
    const name = eq ? eq[1]! : /^--(server|profile-dir|chromium)$/.exec(arg)?.[1];
    if (!name) return { kind: 'error', message: `unknown argument "${arg}"` };
    const value = eq ? eq[2]! : args[++i];
    if (value === undefined || value === '' || (!eq && value.startsWith('--'))) return { kind: 'error', message: `--${name} needs a value` };
    if (name in values) return { kind: 'error', message: `--${name} given twice` };
    values[name] = value;
  }
  if (values.server === undefined) return { kind: 'error', message: '--server <url> is required' };
  const parsed = parseServerUrl(values.server);
  if (!parsed.ok) return { kind: 'error', message: parsed.reason };
  for (const name of ['profile-dir', 'chromium'] as const) {
    const value = values[name];
    if (value !== undefined && (!value.startsWith('/') || /[\0\n\r]/.test(value))) {
      return { kind: 'error', message: `--${name} must be an absolute path` };
    }
  }
  return {
    kind: policy ? 'policy' : 'command',
    server: parsed.server,
    options: { profileDir: values['profile-dir'], chromium: values.chromium },
  };
}

export const USAGE = `Usage: npm run terminal:command -- --server <url> [--profile-dir <dir>] [--chromium <path>] [--policy]

Prints the Chromium command line of a Tilts terminal: kiosk mode on <url>/terminal,
no developer tools, no downloads, only that server reachable (docs/terminal-setup.md).

  --server <url>       the Tilts server as terminals reach it: http(s)://host[:port], nothing more
  --profile-dir <dir>  Chromium's profile folder (default ${DEFAULT_PROFILE_DIR}); it keeps the
                       terminal's device cookie, so it must survive reboots
  --chromium <path>    the Chromium binary (default ${DEFAULT_CHROMIUM})
  --policy             print the managed policy (JSON) for ${POLICY_FILE} instead
  --help               this text

Exit codes: 0 printed, 2 bad arguments.`;
