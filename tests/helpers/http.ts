import type { Credentials } from './accounts.ts';
import { databaseOf } from './server.ts';
import { provisionTerminal, TERMINAL_COOKIE } from './terminal.ts';

/**
 * A tiny browser for integration tests: fetch with manual redirects, a
 * cookie jar, and POSTs that carry the server's Origin (as the app's own
 * forms do) unless told otherwise.
 */

export interface RequestOptions {
  /** Form fields (sent urlencoded). */
  form?: Record<string, string | string[]>;
  /** A JSON body (sent as application/json), as the page scripts send. */
  json?: unknown;
  headers?: Record<string, string>;
  /** Origin header of a POST: the server's own by default, null for none. */
  origin?: string | null;
  /** Follow redirects (GET only), like a browser; default false. */
  follow?: boolean;
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Location of a redirect, as the server wrote it. */
  location: string | null;
  body: string;
  /** The URL that finally answered (after redirects when following). */
  url: string;
}

export class Client {
  readonly baseUrl: string;
  readonly cookies = new Map<string, string>();

  /** Sign learners in on a terminal provisioned for this client (false: a plain device, for the refusal tests). */
  readonly autoTerminal: boolean;

  constructor(baseUrl: string, { terminal = true }: { terminal?: boolean } = {}) {
    this.baseUrl = baseUrl;
    this.autoTerminal = terminal;
  }

  /** Makes this client an approved terminal of the learner's prison (in the test server's database). */
  useTerminalFor(inmateNumber: string): void {
    const file = databaseOf(this.baseUrl);
    if (!file) throw new Error(`No test database known for ${this.baseUrl}`);
    this.cookies.set(TERMINAL_COOKIE, provisionTerminal(file, inmateNumber));
  }

  /** The cookie header this client sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get session(): string | undefined {
    return this.cookies.get('tilts_session');
  }

  private store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    let url = new URL(path, this.baseUrl).toString();
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = { ...options.headers };
      if (this.cookies.size) headers.cookie = this.cookieHeader();
      let body: string | undefined;
      if (method !== 'GET' && method !== 'HEAD') {
        const origin = options.origin === undefined ? this.baseUrl : options.origin;
        if (origin !== null) headers.origin = origin;
        if (options.json !== undefined) {
          body = JSON.stringify(options.json);
          headers['content-type'] = 'application/json';
        } else if (options.form) {
          const params = new URLSearchParams();
          for (const [k, v] of Object.entries(options.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
          body = params.toString();
          headers['content-type'] = 'application/x-www-form-urlencoded';
        }
      }
      const res = await fetch(url, { method, headers, body, redirect: 'manual' });
      this.store(res.headers);
      const reply: Reply = { status: res.status, headers: res.headers, location: res.headers.get('location'), body: await res.text(), url };
      const redirect = reply.status >= 300 && reply.status < 400 && reply.location;
      if (!options.follow || !redirect || hops >= 10) return reply;
      url = new URL(reply.location!, url).toString();
      method = 'GET';
      options = { ...options, form: undefined, json: undefined };
    }
  }

  get(path: string, options: Omit<RequestOptions, 'form' | 'origin'> = {}): Promise<Reply> {
    return this.request('GET', path, options);
  }

  post(path: string, form: Record<string, string | string[]> = {}, options: Omit<RequestOptions, 'form'> = {}): Promise<Reply> {
    return this.request('POST', path, { ...options, form });
  }

  /** POSTs the sign-in form; the reply is returned whatever it is. */
  tryLogin(credentials: Credentials, next?: string): Promise<Reply> {
    if (credentials.kind === 'learner' && this.autoTerminal && !this.cookies.has(TERMINAL_COOKIE) && databaseOf(this.baseUrl)) {
      this.useTerminalFor(credentials.inmateNumber);
    }
    const form: Record<string, string> = { ...credentials };
    if (next) form.next = next;
    return this.post('/login', form);
  }

  /** Signs in and checks it worked (303 and a session cookie); returns where the server sent us. */
  async signIn(credentials: Credentials): Promise<string> {
    const reply = await this.tryLogin(credentials);
    if (reply.status !== 303 || !this.session) {
      const who = credentials.kind === 'learner' ? credentials.inmateNumber : credentials.username;
      throw new Error(`Sign-in as ${who} failed: HTTP ${reply.status}\n${visibleText(reply.body).slice(0, 500)}`);
    }
    return reply.location!;
  }
}

/** A client already signed in with `credentials`. */
export async function signedIn(baseUrl: string, credentials: Credentials): Promise<Client> {
  const client = new Client(baseUrl);
  await client.signIn(credentials);
  return client;
}

/** The text a person would read: tags dropped, entities of the common kind decoded, spaces collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The value of the html element's lang attribute. */
export function htmlLang(html: string): string | null {
  return /<html[^>]*\slang="([^"]*)"/i.exec(html)?.[1] ?? null;
}
