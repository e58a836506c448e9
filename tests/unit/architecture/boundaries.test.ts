import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { hasMessage, messageOfCode } from '../../../src/lib/shared/result-messages.ts';

/**
 * The layering of shared/ARCHITECTURE.md, checked on the source files: pages
 * only load and render (state changes go through src/actions/ and its
 * runner, SQL stays in src/lib/server), and the domain modules under
 * src/lib/server import each other without a cycle.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PAGES = path.join(ROOT, 'src/pages');
const SERVER = path.join(ROOT, 'src/lib/server');

/**
 * Pages still handling a form by hand, with the reason. It shrinks to empty as
 * pages move to the action layer; a page converted must leave it (the test
 * below fails on a stale entry too).
 */
const NOT_YET_CONVERTED: Record<string, string> = {};

function walk(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, keep));
    else if (keep(full)) out.push(full);
  }
  return out.sort();
}

/** What a page must not do, each with the pattern that finds it. */
const FORBIDDEN_IN_PAGES: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'reads the request body with formData()', pattern: /\bformData\s*\(/ },
  { what: 'parses a form by hand (parseForm)', pattern: /\bparseForm\b/ },
  { what: 'imports better-sqlite3', pattern: /from\s+['"]better-sqlite3['"]|require\(\s*['"]better-sqlite3['"]\s*\)/ },
  { what: 'prepares SQL (.prepare()', pattern: /\.prepare\s*\(/ },
  { what: 'builds SQL with stmt()', pattern: /\bstmt\s*\(\s*db\b/ },
];

/** Every page's offences, as "file: what". */
function pageOffences(): Map<string, string[]> {
  const offences = new Map<string, string[]>();
  for (const file of walk(PAGES, (f) => /\.(astro|ts)$/.test(f))) {
    const text = fs.readFileSync(file, 'utf8');
    const found = FORBIDDEN_IN_PAGES.filter((f) => f.pattern.test(text)).map((f) => f.what);
    if (found.length) offences.set(path.relative(PAGES, file), found);
  }
  return offences;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/g;

/** The relative imports of one file, resolved to files (type-only imports count: they tie the modules together too). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = path.resolve(path.dirname(file), match[1] ?? match[2]!);
    if (fs.existsSync(target)) out.push(target);
  }
  return out;
}

/** The import cycles among `files`, each as the list of files around it (depth-first search, Tarjan-free: the graph is small). */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('the layers', () => {
  test('no page reads a form by hand or touches SQL: state changes go through src/actions/', () => {
    const offences = pageOffences();
    const unexpected = [...offences].filter(([file]) => !(file in NOT_YET_CONVERTED)).map(([file, what]) => `${file}: ${what.join(', ')}`);
    expect(unexpected).toEqual([]);
  });

  test('the list of pages not yet converted holds only pages that still need it', () => {
    const offences = pageOffences();
    expect(Object.keys(NOT_YET_CONVERTED).filter((file) => !offences.has(file))).toEqual([]);
  });

  test('the domain modules under src/lib/server import each other without a cycle', () => {
    const files = walk(SERVER, (f) => f.endsWith('.ts'));
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith(SERVER))]));
    const cycles = findCycles(graph).map((c) => [...c, c[0]!].map((f) => path.relative(SERVER, f)).join(' → '));
    expect(cycles).toEqual([]);
  });

  test('the cycle finder finds a cycle (so the check above can fail)', () => {
    const graph = new Map([
      ['progress', ['placements']],
      ['placements', ['awards']],
      ['awards', ['progress']],
      ['catalog', []],
    ]);
    expect(findCycles(graph)).toEqual([['progress', 'placements', 'awards']]);
    expect(findCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  test('the page check recognises each forbidden pattern', () => {
    const samples = [
      'const form = await Astro.request.formData();',
      "const form = await parseForm(Astro.request, schema);",
      "import Database from 'better-sqlite3';",
      "db.prepare('SELECT 1').get();",
      "stmt(db, 'SELECT 1').get();",
    ];
    for (const sample of samples) expect(FORBIDDEN_IN_PAGES.some((f) => f.pattern.test(sample)), sample).toBe(true);
    expect(FORBIDDEN_IN_PAGES.some((f) => f.pattern.test("const outcome = await runForm(Astro, userActions(id));"))).toBe(false);
  });

  test('every failure code a domain function gives has a message in the shared table or the catalogues', () => {
    const codes = new Set<string>();
    for (const file of walk(SERVER, (f) => f.endsWith('.ts'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bcode: '([a-z][A-Za-z]*\.[A-Za-z.]+)'/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(40);
    expect([...codes].filter((code) => !hasMessage(code))).toEqual([]);
    expect(messageOfCode('auth.forbidden')).toBe('error.forbiddenBody');
  });
});
