import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createLessonRenderer, imageSources } from '../../../src/lib/server/courses/render.ts';
import { loadCoursePackage } from '../../../src/lib/server/courses/load.ts';
import { createCoursesDir, lessonFile, SAMPLE, samplePackage, writePackage, type CoursesDir } from '../../helpers/course-package.ts';

const md = createLessonRenderer((src) => (src === 'images/puse.png' ? '/media/abc123' : null));
const render = (markdown: string) => md.render(markdown);

describe('a learner never gets raw HTML from a lesson', () => {
  test('script, tags and event handlers are shown as text', () => {
    const html = render('<script>alert(1)</script>\n\nTeksts <b onclick="x()">treknrakstā</b> <img src=x onerror=alert(1)>\n');
    expect(html).not.toMatch(/<script|<b |<img /);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b onclick=');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('Markdown itself still renders: emphasis, lists, tables (in a scrolling box)', () => {
    const html = render('**Svarīgi**\n\n- viens\n- divi\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
    expect(html).toContain('<strong>Svarīgi</strong>');
    expect(html).toContain('<li>viens</li>');
    expect(html).toContain('<div class="table-scroll"><table>');
  });
});

describe('links to outside addresses are plain text on learner pages', () => {
  test('[text](https://…) keeps its text and loses the link', () => {
    const html = render('Reģistrējieties [NVA mājaslapā](https://www.nva.gov.lv/lv) vai klātienē.\n');
    expect(html).toBe('<p>Reģistrējieties <span class="plain-link">NVA mājaslapā</span> vai klātienē.</p>\n');
  });

  test('autolinks, bare addresses, protocol-relative, mailto and relative links are not links either', () => {
    const html = render('<https://example.com> www.example.com https://example.com [a](//evil.example) [b](mailto:a@b.lv) [c](../cits.md)\n');
    expect(html).not.toContain('<a');
    expect(html).not.toContain('href');
    expect(html).toContain('<span class="plain-link">https://example.com</span>');
  });

  test('#anchor links inside the lesson stay links', () => {
    expect(render('Skatiet [uzdevumu](#uzdevums).\n')).toBe('<p>Skatiet <a href="#uzdevums">uzdevumu</a>.</p>\n');
  });

  test('a link around a picture keeps the picture and drops the link', () => {
    const html = render('[![Aplis](images/puse.png)](https://example.com)\n');
    expect(html).toBe('<p><span class="plain-link"><img src="/media/abc123" alt="Aplis" loading="lazy"></span></p>\n');
  });

  test.each([
    '[klikšķini](javascript:alert(1))',
    '[klikšķini](JaVaScRiPt:alert(1))',
    '[klikšķini](&#106;avascript:alert(1))',
    '[klikšķini][x]\n\n[x]: javascript:alert(1)',
    '[klikšķini](#x:javascript:alert(1))',
    '<javascript:alert(1)>',
    '![bilde](javascript:alert(1))',
  ])('a javascript: URL never becomes an href or src: %s', (markdown) => {
    const html = render(markdown + '\n');
    expect(html).not.toMatch(/(href|src)="?\s*javascript/i);
    expect(html).not.toContain('<a');
  });
});

describe('pictures', () => {
  test('a picture of the package resolves to its stored copy', () => {
    expect(render('![Aplis, puse iekrāsota](images/puse.png)\n')).toBe(
      '<p><img src="/media/abc123" alt="Aplis, puse iekrāsota" loading="lazy"></p>\n',
    );
  });

  test('a picture that is not part of the package falls back to its description, escaped', () => {
    const html = render('![Karte <b>1</b>](https://example.com/karte.png)\n');
    expect(html).toBe('<p><span class="missing-image">Karte &lt;b&gt;1&lt;/b&gt;</span></p>\n');
  });

  test('imageSources lists every picture a lesson refers to, with its name as written', () => {
    expect(imageSources('![a](images/puse.png)\n\n- ![b](images/ceturtdaļa.png)\n\n[![c](../x.png)](#top)\n')).toEqual([
      'images/puse.png',
      'images/ceturtdaļa.png',
      '../x.png',
    ]);
  });
});

describe('the lesson title is not repeated', () => {
  let courses: CoursesDir;
  beforeEach(() => {
    courses = createCoursesDir();
  });
  afterEach(() => courses.cleanup());

  const bodyOf = (front: Record<string, unknown>, body: string) => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson2] = lessonFile(front, body);
    const result = loadCoursePackage(courses.dir, writePackage(courses.dir, pkg));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.course.items[1]!.lesson!.markdown;
  };

  test('a leading "# Title" equal to the lesson title is dropped (any capitals)', () => {
    expect(bodyOf({ title: 'Daļa no skaitļa' }, '# Daļa no skaitļa\n\nTeksts.\n')).toBe('\nTeksts.\n');
    expect(bodyOf({ title: 'Daļa no skaitļa' }, '\n# DAĻA NO SKAITĻA\nTeksts.\n')).toBe('Teksts.\n');
  });

  test('another first heading, or the title later in the text, stays', () => {
    expect(bodyOf({ title: 'Daļa no skaitļa' }, '# Ievads\n\nTeksts.\n')).toBe('# Ievads\n\nTeksts.\n');
    expect(bodyOf({ title: 'Daļa no skaitļa' }, 'Teksts.\n\n# Daļa no skaitļa\n')).toBe('Teksts.\n\n# Daļa no skaitļa\n');
  });
});
