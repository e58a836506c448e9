import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForExit } from '../../scripts/lib/server-process.ts';
import { tempDir } from './server.ts';

/**
 * A real reverse proxy in front of a test server: Debian's nginx, started as
 * a child (not a daemon) with its own prefix, configuration and free port.
 * Without nginx the proxy tests are skipped with a message, except in CI
 * (CI=true), where its absence fails the run (.ci/run installs nginx-light).
 */
export const NGINX = '/usr/sbin/nginx';
export const nginxPresent = fs.existsSync(NGINX);

if (!nginxPresent && process.env.CI === 'true') throw new Error(`nginx is missing (${NGINX}): CI must install it (apt-get install nginx-light).`);
if (!nginxPresent) console.warn(`Reverse-proxy tests skipped: ${NGINX} not found (apt-get install nginx-light; CI=true makes this an error).`);

/** Appended to the names of describe blocks that need nginx. */
export const NEEDS_NGINX = nginxPresent ? '' : ` — SKIPPED: no nginx at ${NGINX}`;

export interface Proxy {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts nginx on 127.0.0.1 with `server` blocks that forward to
 * `upstreamPort` ({{UPSTREAM}} in `servers` is replaced by its address).
 */
export async function startNginx(servers: string, upstreamPort: number): Promise<Proxy> {
  const prefix = tempDir('tilts-nginx-');
  for (const dir of ['logs', 'tmp']) fs.mkdirSync(path.join(prefix, dir));
  const port = await freePort();
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
${servers.replaceAll('{{PORT}}', String(port)).replaceAll('{{UPSTREAM}}', `http://127.0.0.1:${upstreamPort}`)}
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf, '-e', path.join(prefix, 'logs', 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5_000))) child.kill('SIGKILL');
    }
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const log = fs.existsSync(path.join(prefix, 'logs', 'error.log')) ? fs.readFileSync(path.join(prefix, 'logs', 'error.log'), 'utf8') : '';
      await stop();
      throw new Error(`nginx exited (${child.exitCode}):\n${output}\n${log}`);
    }
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status < 500, () => false);
    if (up) return { port, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`nginx did not answer within 30 s:\n${output}`);
}
