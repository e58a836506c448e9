import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { craftPackage, craftWithName } from '../../fixtures/h5p/crafted.ts';
import { NEEDS_SAMPLES, SAMPLES_DIR, sampleFiles, samplesPresent } from '../../helpers/h5p-samples.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');

/** Runs `node scripts/h5p-check.ts <args>` as `npm run h5p:check -- <args>` does. */
function check(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['scripts/h5p-check.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let good: string;
let evil: string;
let bomb: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-cli-'));
  good = path.join(dir, 'good.h5p');
  evil = path.join(dir, 'evil.h5p');
  bomb = path.join(dir, 'bomb.h5p');
  fs.writeFileSync(good, await craftPackage());
  fs.writeFileSync(evil, await craftWithName('../evil.js'));
  fs.writeFileSync(bomb, await craftPackage([{ name: 'content/zeros.txt', data: Buffer.alloc(8 * 1024 * 1024) }]));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('an admin checks packages in bulk with npm run h5p:check', () => {
  test('every file accepted: one line each with the main library, exit code 0', async () => {
    const result = await check([good]);
    expect(result.stdout).toBe(`${good}: accepted (H5P.Crafted 1.0.3)\n`);
    expect(result.code).toBe(0);
  });

  test('any file refused: its reason in English, the others still checked, exit code 1, nothing stored', async () => {
    const before = fs.readdirSync(dir).sort();
    const result = await check([evil, good, bomb, path.join(dir, 'missing.h5p')]);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${evil}: refused: The package contains a file with an unsafe path: ../evil.js. Paths must stay inside the package. [h5p.pathTraversal]`,
      `${good}: accepted (H5P.Crafted 1.0.3)`,
      `${bomb}: refused: When unpacked, the package becomes far larger than its size (content/zeros.txt: 8.0 KB → 8.0 MB). It was refused as unsafe. [h5p.zipBomb]`,
      `${path.join(dir, 'missing.h5p')}: refused: the file cannot be read (ENOENT)`,
    ]);
    expect(result.stderr).toContain('1 accepted, 3 refused');
    expect(result.code).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  test('no file named: usage on stderr, exit code 2', async () => {
    const result = await check([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: npm run h5p:check -- <file.h5p>');
  });

  test.skipIf(!samplesPresent)(`the shared valid samples all pass, the invalid ones all fail${NEEDS_SAMPLES}`, async () => {
    const valid = await check(sampleFiles('valid').map((f) => path.join(SAMPLES_DIR, 'valid', f)));
    expect(valid.code).toBe(0);
    expect(
      valid.stdout
        .trimEnd()
        .split('\n')
        .every((l) => / accepted \(.+ \d+\.\d+\.\d+\)$/.test(l)),
    ).toBe(true);
    const invalid = await check(sampleFiles('invalid').map((f) => path.join(SAMPLES_DIR, 'invalid', f)));
    expect(invalid.code).toBe(1);
    expect(
      invalid.stdout
        .trimEnd()
        .split('\n')
        .every((l) => l.includes(': refused: ')),
    ).toBe(true);
  });
});
