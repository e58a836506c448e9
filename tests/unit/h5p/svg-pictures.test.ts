import { describe, expect, test } from 'vitest';
import { svgProblem } from '../../../src/lib/server/h5p/svg.ts';

const problem = (svg: string) => svgProblem(Buffer.from(svg));
const svg = (body: string, attrs = '') => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"${attrs}>${body}</svg>`;

describe('SVG pictures in a package are accepted only when they are plain drawing', () => {
  test.each([
    [
      'an icon as Illustrator writes it',
      `<?xml version="1.0" encoding="utf-8"?>\n<!-- Generator: Adobe Illustrator -->\n${svg('<style type="text/css">.st0{fill:#FFF;}</style><g id="a"><path class="st0" d="M0 0h10v10z"/></g>', ' viewBox="0 0 10 10" style="enable-background:new 0 0 10 10;" xml:space="preserve"')}`,
    ],
    [
      'an SVG font with a DOCTYPE and metadata',
      `<?xml version="1.0" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" >\n<svg xmlns="http://www.w3.org/2000/svg"><metadata><json><![CDATA[{"a":1}]]></json></metadata><defs><font id="f" horiz-adv-x="1024"><font-face units-per-em="1024"/><missing-glyph/><glyph unicode="&#xe600;" d="M0 0z"/><glyph unicode="&amp;"/></font></defs></svg>`,
    ],
    [
      'gradients referenced with url(#id) and <use href="#id">',
      svg(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs><rect id="r" fill="url(#g)"/><use xlink:href="#r"/>',
      ),
    ],
    ['an embedded PNG picture', svg('<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>')],
    ['Inkscape metadata', svg('<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description/></rdf:RDF></metadata>')],
  ])('%s is accepted', (_what, text) => {
    expect(problem(text)).toBeNull();
  });

  test.each([
    ['a script', svg('<script>alert(1)</script>'), 'the element <script>'],
    ['a script in capitals', svg('<SCRIPT>alert(1)</SCRIPT>'), 'the element <SCRIPT>'],
    [
      'a script under an svg: prefix',
      `<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>1</svg:script></svg:svg>`,
      'the element <svg:script>',
    ],
    ['an event handler', svg('<rect onclick="alert(1)"/>'), 'the event handler onclick= on <rect>'],
    ['an event handler on the root', svg('', ' onload="alert(1)"'), 'the event handler onload= on <svg>'],
    ['a javascript: link', svg('<use href="javascript:alert(1)"/>'), 'a script link in href= on <use>'],
    ['a javascript: link hidden behind entities', svg('<use xlink:href="jav&#x61;script:alert(1)"/>'), 'a script link in xlink:href= on <use>'],
    ['a link to another site', svg('<image href="https://example.com/x.png"/>'), 'a link to "https://example.com/x.png" on <image>'],
    ['a link element', svg('<a href="#x"><rect/></a>'), 'the element <a>'],
    ['embedded HTML', svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'), 'the element <foreignObject>'],
    ['an XHTML namespace', svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">1</h:script>'), 'the namespace http://www.w3.org/1999/xhtml'],
    ['an animation that rewrites a link', svg('<set attributeName="href" to="javascript:alert(1)"/>'), 'the element <set>'],
    ['entity definitions', `<!DOCTYPE svg [<!ENTITY x "y">]>${svg('')}`, 'a DOCTYPE that defines entities'],
    ['an unknown entity', svg('<text>&xxe;</text>'), 'the entity &xxe;'],
    ['an XSLT style sheet', `<?xml-stylesheet type="text/xsl" href="x.xsl"?>${svg('')}`, 'a processing instruction (such as xml-stylesheet)'],
    ['a style sheet import', svg('<style>@import url(https://example.com/x.css);</style>'), '"@import" in a <style> element'],
    ['a style loading another file', svg('<rect style="fill:url(https://example.com/x)"/>'), 'a reference to another file in the style of <rect>'],
    [
      'a style sheet import split by a comment',
      svg('<style>@im<!-- -->port url(https://example.com/x.css);</style>'),
      '"@import" in a <style> element',
    ],
    ['escaped CSS', svg('<style>.a{background:\\75rl(x)}</style>'), 'escaped characters in a <style> element'],
    ['an unknown element', svg('<blink/>'), 'the element <blink>'],
    ['not an SVG at all', '<html><body/></html>', 'a document that is not an <svg> picture'],
    ['broken XML', svg('<g><rect></g>'), 'tags that do not match (not well-formed XML)'],
  ])('%s is refused', (_what, text, reason) => {
    expect(problem(text)).toBe(reason);
  });

  test('text that is not UTF-8 is refused', () => {
    expect(svgProblem(Buffer.from([0x3c, 0x73, 0x76, 0x67, 0xff, 0xfe]))).toBe('bytes that are not UTF-8 text');
  });

  test('a picture a browser would decode otherwise than we do is refused, even when called alone', () => {
    // The checks below read UTF-8; an SVG declared in another encoding reads to a browser as other characters.
    expect(problem('<?xml version="1.0" encoding="ISO-2022-JP"?>' + svg(''))).toBe('the encoding "ISO-2022-JP"');
    expect(svgProblem(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(svg(''), 'utf16le').swap16()]))).toBe('a UTF-16 byte order mark');
  });
});
