/**
 * SVG pictures are XML documents that can carry scripts, event handlers,
 * links to other sites and embedded HTML. Rather than rewrite them (a
 * sanitiser that misses one trick is worse than none), a picture is accepted
 * only when every part of it is on an allowlist of inert drawing elements and
 * attributes; anything else refuses the package, naming the file and the part.
 * The icons and SVG fonts of the H5P libraries pass; an Illustrator export
 * with embedded XHTML, a `<script>`, an `onload=` or an external `href` does not.
 */

import { textEncodingProblem } from './file-types.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Namespaces whose elements and attributes browsers ignore (drawing programs' metadata), besides SVG and XLink. */
const INERT_NAMESPACES = new Set([
  SVG_NS,
  'http://www.w3.org/1999/xlink',
  'http://www.w3.org/XML/1998/namespace',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  'http://creativecommons.org/ns#',
  'http://purl.org/dc/elements/1.1/',
  'http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd',
  'http://www.inkscape.org/namespaces/inkscape',
  'http://www.bohemiancoding.com/sketch/ns',
  'http://www.serif.com/',
]);

/** Drawing elements (lower case: an SVG inlined into HTML is matched without regard to case). */
const ALLOWED_ELEMENTS = new Set(
  `svg g defs desc title metadata symbol use switch view style path rect circle ellipse line polyline polygon
   text tspan textpath lineargradient radialgradient stop pattern clippath mask marker filter image
   font font-face font-face-src font-face-name glyph missing-glyph hkern vkern
   feblend fecolormatrix fecomponenttransfer fecomposite feconvolvematrix fediffuselighting fedisplacementmap
   fedistantlight fedropshadow feflood fefunca fefuncb fefuncg fefuncr fegaussianblur feimage femerge femergenode
   femorphology feoffset fepointlight fespecularlighting fespotlight fetile feturbulence`.split(/\s+/),
);

/** Elements that run code, navigate, animate attributes (an `<animate>` can turn an href into `javascript:`) or embed other documents. */
const ACTIVE_ELEMENTS = new Set(
  'script foreignobject a animate animatemotion animatetransform animatecolor set discard handler listener iframe embed object audio video canvas'.split(
    ' ',
  ),
);

const NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE = /([^\s=/>"'<]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const SPACE = /\s*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

interface Frame {
  /** The tag as written (to match the closing tag). */
  name: string;
  /** Lower-case local name. */
  local: string;
  inMetadata: boolean;
  namespaces: Map<string, string>;
  /** A <style> element's text, collected across comments and CDATA sections and checked whole at its end. */
  css: string;
}

class Refusal {
  reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|\w+);|&/g, (m, ref: string | undefined) => {
    if (!ref) throw new Refusal('a bare & (not well-formed XML)');
    if (ref.startsWith('#x')) return String.fromCodePoint(Math.min(parseInt(ref.slice(2), 16), 0x10ffff));
    if (ref.startsWith('#')) return String.fromCodePoint(Math.min(parseInt(ref.slice(1), 10), 0x10ffff));
    const known = ENTITIES[ref];
    if (known === undefined) throw new Refusal(`the entity &${ref};`);
    return known;
  });
}

/** Style sheets may not load anything, run anything, or hide what they do behind escapes. */
function checkCss(css: string, where: string): void {
  const lower = css.toLowerCase();
  if (lower.includes('\\')) throw new Refusal(`escaped characters in ${where}`);
  for (const bad of ['@import', 'expression(', '-moz-binding', 'behavior:', 'javascript:']) {
    if (lower.includes(bad)) throw new Refusal(`"${bad}" in ${where}`);
  }
  checkUrls(css, where);
}

/** `url(#gradient)` points inside the picture; any other `url(…)` loads something from elsewhere. */
function checkUrls(value: string, where: string): void {
  for (const m of value.matchAll(/url\s*\(\s*['"]?\s*([^'")\s]*)/gi)) {
    if (!m[1]?.startsWith('#')) throw new Refusal(`a reference to another file in ${where}`);
  }
}

function checkAttribute(element: string, name: string, rawValue: string, frame: Frame): void {
  const value = decodeEntities(rawValue);
  const lower = name.toLowerCase();
  if (lower.startsWith('on')) throw new Refusal(`the event handler ${name}= on <${element}>`);
  if (lower === 'xmlns' || lower.startsWith('xmlns:')) {
    if (!INERT_NAMESPACES.has(value) || (lower === 'xmlns' && value !== SVG_NS)) throw new Refusal(`the namespace ${value}`);
    frame.namespaces.set(lower === 'xmlns' ? '' : name.slice(6), value);
    return;
  }
  const colon = name.indexOf(':');
  if (colon >= 0 && name.slice(0, colon) !== 'xml' && !frame.namespaces.has(name.slice(0, colon))) {
    throw new Refusal(`the undeclared attribute ${name}`);
  }
  const squeezed = value.replace(/[\s\x00-\x1f]+/g, '').toLowerCase();
  if (squeezed.includes('javascript:') || squeezed.includes('vbscript:')) throw new Refusal(`a script link in ${name}= on <${element}>`);
  const local = (colon >= 0 ? name.slice(colon + 1) : name).toLowerCase();
  if (local === 'href' || local === 'src') {
    const target = value.trim();
    const inlinePicture = /^data:image\/(png|jpe?g|gif|webp);base64,[A-Za-z0-9+/=\s]*$/i.test(target);
    if (!target.startsWith('#') && !(inlinePicture && (element === 'image' || element === 'feimage'))) {
      throw new Refusal(`a link to "${target.slice(0, 60)}" on <${element}>`);
    }
  }
  if (local === 'style') checkCss(value, `the style of <${element}>`);
  else checkUrls(value, `${name}= on <${element}>`);
}

function openElement(text: string, start: number, stack: Frame[]): { end: number; selfClosing: boolean } {
  NAME.lastIndex = start + 1;
  const nameMatch = NAME.exec(text);
  if (!nameMatch) throw new Refusal('text that is not well-formed XML');
  const qname = nameMatch[0];
  const parent = stack.at(-1);
  const frame: Frame = {
    name: qname,
    local: '',
    css: '',
    inMetadata: parent?.inMetadata ?? false,
    namespaces: new Map(parent?.namespaces ?? [['', SVG_NS]]),
  };
  const attributes: Array<[string, string]> = [];
  let pos = NAME.lastIndex;
  for (;;) {
    SPACE.lastIndex = pos;
    const space = SPACE.exec(text)![0].length;
    pos += space;
    if (text.startsWith('/>', pos) || text[pos] === '>') break;
    ATTRIBUTE.lastIndex = pos;
    const m = space > 0 ? ATTRIBUTE.exec(text) : null;
    if (!m) throw new Refusal(`a malformed tag <${qname}>`);
    attributes.push([m[1]!, m[2] ?? m[3] ?? '']);
    pos = ATTRIBUTE.lastIndex;
  }
  // Namespace declarations first: they decide what the other attributes and the element mean.
  for (const [name, value] of attributes) if (/^xmlns(:|$)/i.test(name)) checkAttribute(qname, name, value, frame);
  const colon = qname.indexOf(':');
  const prefix = colon >= 0 ? qname.slice(0, colon) : '';
  const local = (colon >= 0 ? qname.slice(colon + 1) : qname).toLowerCase();
  frame.local = local;
  const namespace = frame.namespaces.get(prefix);
  if (namespace === undefined) throw new Refusal(`the element <${qname}> of an undeclared namespace`);
  if (namespace === SVG_NS) {
    if (ACTIVE_ELEMENTS.has(local)) throw new Refusal(`the element <${qname}>`);
    if (!stack.length && local !== 'svg') throw new Refusal('a document that is not an <svg> picture');
    // Unknown SVG elements are inert; allowed only where browsers never draw (metadata), to stay on the safe side.
    if (!ALLOWED_ELEMENTS.has(local) && !frame.inMetadata) throw new Refusal(`the element <${qname}>`);
    if (local === 'metadata') frame.inMetadata = true;
  }
  for (const [name, value] of attributes) if (!/^xmlns(:|$)/i.test(name)) checkAttribute(local, name, value, frame);
  const selfClosing = text.startsWith('/>', pos);
  if (!selfClosing) stack.push(frame);
  return { end: pos + (selfClosing ? 2 : 1), selfClosing };
}

function skipTo(text: string, from: number, marker: string, what: string): number {
  const at = text.indexOf(marker, from);
  if (at < 0) throw new Refusal(`an unfinished ${what}`);
  return at + marker.length;
}

function walk(text: string): void {
  const stack: Frame[] = [];
  let sawRoot = false;
  let i = 0;
  const onText = (chunk: string) => {
    const current = stack.at(-1);
    if (!current) {
      if (chunk.trim()) throw new Refusal('text outside the <svg> element');
      return;
    }
    const decoded = decodeEntities(chunk);
    if (current.local === 'style') current.css += decoded;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      onText(text.slice(i));
      break;
    }
    if (lt > i) onText(text.slice(i, lt));
    if (text.startsWith('<!--', lt)) i = skipTo(text, lt + 4, '-->', 'comment');
    else if (text.startsWith('<![CDATA[', lt)) {
      const end = skipTo(text, lt + 9, ']]>', 'CDATA section');
      if (!stack.length) throw new Refusal('text outside the <svg> element');
      if (stack.at(-1)!.local === 'style') stack.at(-1)!.css += text.slice(lt + 9, end - 3);
      i = end;
    } else if (text.startsWith('<?', lt)) {
      const end = skipTo(text, lt + 2, '?>', 'processing instruction');
      if (!/^<\?xml\s/.test(text.slice(lt, end)) || stack.length || sawRoot) throw new Refusal('a processing instruction (such as xml-stylesheet)');
      i = end;
    } else if (text.startsWith('<!DOCTYPE', lt)) {
      const end = skipTo(text, lt, '>', 'DOCTYPE');
      if (text.slice(lt, end).includes('[') || sawRoot) throw new Refusal('a DOCTYPE that defines entities');
      i = end;
    } else if (text.startsWith('</', lt)) {
      NAME.lastIndex = lt + 2;
      const m = NAME.exec(text);
      const frame = stack.pop();
      if (!m || !frame || frame.name !== m[0]) throw new Refusal('tags that do not match (not well-formed XML)');
      if (frame.local === 'style') checkCss(frame.css, 'a <style> element');
      i = skipTo(text, NAME.lastIndex, '>', 'closing tag');
    } else {
      if (sawRoot && !stack.length) throw new Refusal('a second root element');
      sawRoot = true;
      i = openElement(text, lt, stack).end;
    }
  }
  if (!sawRoot) throw new Refusal('no <svg> element');
  if (stack.length) throw new Refusal(`the unclosed element <${stack.at(-1)!.name}>`);
}

/**
 * Null when the SVG file holds only inert drawing; otherwise the first part
 * that is not allowed ("the element <script>", "the event handler onload=…").
 */
export function svgProblem(bytes: Buffer): string | null {
  // First that a browser decodes the bytes as we do (no other encoding declared or marked): else what is checked below is not what it runs.
  const encoding = textEncodingProblem(bytes, true);
  if (encoding) return encoding;
  const text = new TextDecoder('utf-8').decode(bytes);
  try {
    walk(text);
    return null;
  } catch (e) {
    if (e instanceof Refusal) return e.reason;
    throw e;
  }
}
