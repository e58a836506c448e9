import net from 'node:net';
import type { Config } from '../config.ts';
import { parseHost, type ParsedHost } from './host.ts';

/**
 * The request as the browser made it, which behind a reverse proxy is not
 * what reaches Tilts: TLS ends at the proxy, the proxy may name the host,
 * and the TCP peer is the proxy. X-Forwarded-Proto, -Host and -For say what
 * the browser used, but anyone can send them, so they are believed only when
 * the TCP peer is one of TILTS_TRUSTED_PROXIES; from anyone else they are
 * ignored. The origin check (CSRF), Secure cookies, the public-origin
 * decision and the per-client rate limits all use these facts.
 *
 * Used twice with the same inputs: by the HTTP server (scripts/server.ts) to
 * refuse bad and unknown hosts before Astro sees them, and by the middleware
 * to set the URL and client address the pages see.
 */

export interface EdgeRequest {
  /** The TCP peer's address (socket.remoteAddress). */
  peer: string | null | undefined;
  /** True when TLS ended at this server. */
  encrypted: boolean;
  header(name: 'host' | 'x-forwarded-proto' | 'x-forwarded-host' | 'x-forwarded-for'): string | null | undefined;
}

export interface EdgeFacts {
  protocol: 'http:' | 'https:';
  host: ParsedHost;
  /** The browser's address: the peer, or the proxy's X-Forwarded-For entry for it. */
  clientIp: string | null;
  /** The peer is a trusted proxy (its forwarded headers were used). */
  viaProxy: boolean;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
export function plainAddress(address: string | null | undefined): string | null {
  if (!address) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1]! : address;
  return net.isIP(plain) ? plain : null;
}

const lists = new WeakMap<readonly string[], net.BlockList>();

/** Is `address` one of the trusted proxies? */
export function isTrustedProxy(address: string | null | undefined, config: Pick<Config, 'trustedProxies'>): boolean {
  const plain = plainAddress(address);
  if (!plain || config.trustedProxies.length === 0) return false;
  let list = lists.get(config.trustedProxies);
  if (!list) {
    list = new net.BlockList();
    for (const entry of config.trustedProxies) {
      const [base, bits] = entry.split('/');
      const type = net.isIP(base!) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(base!, type);
      else list.addSubnet(base!, Number(bits), type);
    }
    lists.set(config.trustedProxies, list);
  }
  return list.check(plain, net.isIP(plain) === 6 ? 'ipv6' : 'ipv4');
}

const first = (value: string | null | undefined): string | undefined => value?.split(',')[0]?.trim() || undefined;

/**
 * The client behind a chain of proxies: X-Forwarded-For read from the right
 * (each proxy appends the address it saw), skipping our own trusted proxies;
 * the first untrusted address is the client. Entries to its left were written
 * by the client itself and mean nothing.
 */
function forwardedClient(value: string | null | undefined, config: Pick<Config, 'trustedProxies'>): string | null {
  const entries = (value ?? '').split(',').map((entry) => plainAddress(entry.trim()));
  let client: string | null = null;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (!entry) break;
    client = entry;
    if (!isTrustedProxy(entry, config)) break;
  }
  return client;
}

/** What the browser used; null when the host it names is malformed (answer 400). */
export function edgeFacts(request: EdgeRequest, config: Pick<Config, 'trustedProxies'>): EdgeFacts | null {
  const viaProxy = isTrustedProxy(request.peer, config);
  let protocol: EdgeFacts['protocol'] = request.encrypted ? 'https:' : 'http:';
  let hostHeader = request.header('host');
  let clientIp = plainAddress(request.peer);
  if (viaProxy) {
    const proto = first(request.header('x-forwarded-proto'))?.toLowerCase();
    if (proto === 'https' || proto === 'http') protocol = `${proto}:`;
    hostHeader = first(request.header('x-forwarded-host')) ?? hostHeader;
    clientIp = forwardedClient(request.header('x-forwarded-for'), config) ?? clientIp;
  }
  const host = parseHost(hostHeader);
  return host ? { protocol, host, clientIp, viaProxy } : null;
}

/** Is this host one the server answers on: an intranet host, or the public origin's? */
export function isKnownHost(host: ParsedHost, config: Pick<Config, 'allowedHosts' | 'publicOrigin'>): boolean {
  if (config.allowedHosts.includes(host.hostname)) return true;
  return config.publicOrigin !== null && new URL(config.publicOrigin).hostname.toLowerCase() === host.hostname;
}
