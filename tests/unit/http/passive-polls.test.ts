import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { isPassivePoll } from '../../../src/lib/server/http/passive-polls.ts';

const PAGES = path.resolve(import.meta.dirname, '../../../src/pages');

test('only the timer-driven GET polls are passive: pages, POSTs and the idle warning’s button count as activity', () => {
  expect(isPassivePoll('GET', '/api/learn/terminal')).toBe(true);
  expect(isPassivePoll('GET', '/api/supervise/room')).toBe(true);
  for (const [method, pathname] of [
    ['POST', '/api/learn/terminal'],
    ['GET', '/learn'],
    ['GET', '/supervise'],
    ['POST', '/api/session/touch'],
    ['POST', '/api/learn/heartbeat'],
    ['GET', '/api/learn/terminal/x'],
  ] as const) {
    expect(isPassivePoll(method, pathname), `${method} ${pathname}`).toBe(false);
  }
});

test('each passive poll is a real endpoint (a renamed one would silently count as activity again)', () => {
  for (const file of ['api/learn/terminal.ts', 'api/supervise/room.ts']) {
    expect(fs.existsSync(path.join(PAGES, file)), file).toBe(true);
    expect(isPassivePoll('GET', `/${file.replace(/\.ts$/, '')}`)).toBe(true);
  }
});
