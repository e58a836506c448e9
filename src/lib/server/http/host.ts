import net from 'node:net';

/**
 * Host names as they arrive in a Host (or X-Forwarded-Host) header. Parsed
 * strictly: a malformed one (`a@b`, a path, spaces, two ports) is refused
 * with 400 before the app builds a URL from it; a trailing dot (`host.lv.`,
 * the same name fully qualified) is dropped, so it cannot pass for a host
 * name that no rule knows.
 */

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,62})$/;

export interface ParsedHost {
  /** Lower case, no trailing dot; an IPv6 address in brackets. */
  hostname: string;
  /** The port as written, or null. */
  port: string | null;
}

/** A host name without port: lower case, no trailing dot, IPv6 bracketed; null when malformed. */
export function normaliseHostname(value: string): string | null {
  const name = value.trim().toLowerCase();
  if (net.isIPv6(name)) return `[${name}]`;
  if (name.startsWith('[') && name.endsWith(']')) return net.isIPv6(name.slice(1, -1)) ? name : null;
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!bare || bare.length > 253) return null;
  return bare.split('.').every((label) => LABEL.test(label)) ? bare : null;
}

/** `host[:port]` of a Host header; null when malformed. */
export function parseHost(value: string | undefined | null): ParsedHost | null {
  if (!value) return null;
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match) return null;
  const hostname = normaliseHostname(match[1]!);
  const port = match[2] ?? null;
  if (!hostname || (port !== null && Number(port) > 65535)) return null;
  return { hostname, port };
}

/** `hostname[:port]`, as written back into the Host header. */
export const formatHost = (host: ParsedHost): string => (host.port ? `${host.hostname}:${host.port}` : host.hostname);
