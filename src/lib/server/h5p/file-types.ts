/**
 * What the files of an H5P package are, decided from their bytes and not only
 * from their names. Two readers must see the same thing: our checks at import
 * and the browser that is served the file. A browser picks a text file's
 * encoding from its byte order mark or (for XML) the encoding its XML
 * declaration names, so an SVG declared as ISO-2022-JP reads to a browser as
 * other characters than the UTF-8 our SVG check read (escape sequences can
 * hide a `<!--` from the browser and show it a `<script>`). So text is
 * accepted only as plain UTF-8 (or ASCII) that every reader decodes alike, and
 * pictures, fonts and media only when their first bytes are what their
 * extension says. docs/h5p-security.md has the threat model.
 */

export type FileKind =
  /** XML parsed by the browser (SVG) or shown as text (XML): UTF-8, XML characters, an XML declaration naming UTF-8 at most. */
  | { text: 'xml'; contentType: string }
  /** Scripts, style sheets, JSON, captions, plain text: UTF-8 without control characters. */
  | { text: 'plain'; contentType: string }
  /** Binary files served inline: the type their first bytes show, or null when they show none that the extension allows. */
  | { sniff: (b: Buffer) => string | null; contentType: string }
  /** Documents the player never shows (office files, 3D models): always served as a download. */
  | { download: true };

const at = (b: Buffer, offset: number, ascii: string) => b.length >= offset + ascii.length && b.toString('latin1', offset, offset + ascii.length) === ascii;
const startsWith = (b: Buffer, hex: string) => b.length >= hex.length / 2 && b.subarray(0, hex.length / 2).toString('hex') === hex;
const font = (b: Buffer) => startsWith(b, '00010000') || ['true', 'typ1', 'OTTO', 'ttcf'].some((m) => at(b, 0, m));
/** ISO base media files (MP4, M4A) start with a box; modern ones with `ftyp`. */
const isoMedia = (b: Buffer) => ['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide'].some((box) => at(b, 4, box));

/**
 * Raster pictures by their magic bytes. A PNG saved as `.jpg` is a common,
 * harmless slip (it is still a picture), so any of these passes for any
 * picture extension and is served as what it is.
 */
function pictureType(b: Buffer): string | null {
  if (startsWith(b, '89504e470d0a1a0a')) return 'image/png';
  if (startsWith(b, 'ffd8ff')) return 'image/jpeg';
  if (at(b, 0, 'GIF87a') || at(b, 0, 'GIF89a')) return 'image/gif';
  if (at(b, 0, 'RIFF') && at(b, 8, 'WEBP')) return 'image/webp';
  if (at(b, 0, 'BM')) return 'image/bmp';
  if (startsWith(b, '49492a00') || startsWith(b, '4d4d002a')) return 'image/tiff';
  return null;
}

const TEXT = (contentType: string): FileKind => ({ text: 'plain', contentType });
const MAGIC = (contentType: string, matches: (b: Buffer) => boolean): FileKind => ({ sniff: (b) => (matches(b) ? contentType : null), contentType });
const PICTURE = (contentType: string): FileKind => ({ sniff: pictureType, contentType });

/** Every extension an H5P package may hold (schema.ts: CONTENT_EXTENSIONS and LIBRARY_EXTENSIONS), by what it must be. */
const KINDS: Record<string, FileKind> = {
  svg: { text: 'xml', contentType: 'image/svg+xml; charset=utf-8' },
  // Shown as text, never as XML: an xml-stylesheet could turn XML into a page.
  xml: { text: 'xml', contentType: 'text/plain; charset=utf-8' },
  js: TEXT('text/javascript; charset=utf-8'),
  css: TEXT('text/css; charset=utf-8'),
  json: TEXT('application/json; charset=utf-8'),
  gltf: TEXT('application/json; charset=utf-8'),
  vtt: TEXT('text/vtt; charset=utf-8'),
  webvtt: TEXT('text/vtt; charset=utf-8'),
  txt: TEXT('text/plain; charset=utf-8'),
  md: TEXT('text/plain; charset=utf-8'),
  csv: TEXT('text/plain; charset=utf-8'),
  diff: TEXT('text/plain; charset=utf-8'),
  patch: TEXT('text/plain; charset=utf-8'),
  textile: TEXT('text/plain; charset=utf-8'),
  png: PICTURE('image/png'),
  jpg: PICTURE('image/jpeg'),
  jpeg: PICTURE('image/jpeg'),
  gif: PICTURE('image/gif'),
  bmp: PICTURE('image/bmp'),
  webp: PICTURE('image/webp'),
  tif: PICTURE('image/tiff'),
  tiff: PICTURE('image/tiff'),
  woff: MAGIC('font/woff', (b) => at(b, 0, 'wOFF')),
  woff2: MAGIC('font/woff2', (b) => at(b, 0, 'wOF2')),
  ttf: MAGIC('font/ttf', font),
  otf: MAGIC('font/otf', font),
  // An EOT header has no magic at its start: its MagicNumber 0x504C is at byte 34.
  eot: MAGIC('application/vnd.ms-fontobject', (b) => b.length >= 36 && b.readUInt16LE(34) === 0x504c),
  // MPEG audio: an ID3 tag, or straight away a frame (11 sync bits).
  mp3: MAGIC('audio/mpeg', (b) => at(b, 0, 'ID3') || (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0)),
  m4a: MAGIC('audio/mp4', isoMedia),
  mp4: MAGIC('video/mp4', isoMedia),
  wav: MAGIC('audio/wav', (b) => at(b, 0, 'RIFF') && at(b, 8, 'WAVE')),
  ogg: MAGIC('audio/ogg', (b) => at(b, 0, 'OggS')),
  webm: MAGIC('video/webm', (b) => startsWith(b, '1a45dfa3')),
  pdf: MAGIC('application/pdf', (b) => at(b, 0, '%PDF-')),
};

export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** What a file of this name must be; anything unlisted is only ever a download. */
export function fileKind(name: string): FileKind {
  return KINDS[extensionOf(name)] ?? { download: true };
}

const BOMS: Array<[string, string]> = [
  // UTF-32 first: its little-endian mark begins with UTF-16's.
  ['0000feff', 'a UTF-32 byte order mark'],
  ['fffe0000', 'a UTF-32 byte order mark'],
  ['feff', 'a UTF-16 byte order mark'],
  ['fffe', 'a UTF-16 byte order mark'],
  // UTF-7 and other marks browsers do not honour, but no UTF-8 text starts with them either.
  ['2b2f76', 'a UTF-7 byte order mark'],
  ['0efeff', 'an SCSU byte order mark'],
  ['dd736673', 'a UTF-EBCDIC byte order mark'],
];

/** C0 control characters other than tab, line feed, carriage return (and form feed outside XML). ESC starts ISO-2022 escapes; NUL shows UTF-16 without a mark. */
const CONTROL_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
const CONTROL_TEXT = /[\x00-\x08\x0b\x0e-\x1f]/;

/** The XML declaration (XML 1.0, production XMLDecl), read strictly: anything else that starts `<?xml` is refused. */
const XML_DECLARATION =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[01]\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][\w.-]*)\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*\?>/;

/** Encoding labels that decode plain UTF-8 (WHATWG Encoding: the labels of UTF-8). */
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']);
/** Labels a browser decodes as windows-1252: the same characters as UTF-8 only while every byte is ASCII. */
const ASCII_LABELS = new Set(['us-ascii', 'ascii']);

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Null when `bytes` are text that a browser and our checks decode alike:
 * UTF-8 (with or without its byte order mark), no other byte order mark, no
 * control characters, and for XML (`xml: true`) at most one XML declaration,
 * at the very start, naming UTF-8 (or ASCII for pure ASCII bytes). Otherwise
 * the reason, e.g. `the encoding "ISO-2022-JP"`. With `partial`, `bytes` are
 * only the start of the file (a multi-byte character may be cut at the end).
 */
export function textEncodingProblem(bytes: Buffer, xml: boolean, partial = false): string | null {
  for (const [hex, what] of BOMS) if (startsWith(bytes, hex)) return what;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: partial });
  } catch {
    return 'bytes that are not UTF-8 text';
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (xml) {
    const problem = xmlDeclarationProblem(text);
    if (problem) return problem;
  }
  const control = (xml ? CONTROL_XML : CONTROL_TEXT).exec(text);
  return control ? `the control character ${codePoint(control[0])}` : null;
}

/** Null when `text` has no XML declaration, or one at its very start that names UTF-8 (or ASCII, for pure ASCII text). */
function xmlDeclarationProblem(text: string): string | null {
  // Browsers read the encoding from a declaration at the very start; one anywhere else is not an XML declaration and is refused too.
  const declarations = [...text.matchAll(/<\?xml(?=[\s?])/gi)].map((m) => m.index);
  if (declarations.some((i) => i > 0)) return 'an XML declaration that is not at the start';
  if (declarations.length === 0) return null;
  const declaration = XML_DECLARATION.exec(text);
  if (!declaration) return 'an XML declaration that cannot be read';
  const label = declaration[3]?.toLowerCase();
  if (label === undefined || UTF8_LABELS.has(label)) return null;
  if (ASCII_LABELS.has(label) && /^[\x00-\x7f]*$/.test(text)) return null;
  return `the encoding "${declaration[3]}"`;
}

/** A style sheet's own `@charset` rule (which a browser honours when no BOM or header names one) must name UTF-8 too. */
function cssCharsetProblem(bytes: Buffer): string | null {
  const rule = /^(?:\uFEFF)?@charset "([^"]*)";/.exec(bytes.toString('utf8', 0, 128));
  return rule && !UTF8_LABELS.has(rule[1]!.toLowerCase()) ? `the encoding "${rule[1]}"` : null;
}

/**
 * Null when the file `name` holds what its extension says; otherwise why it
 * does not (an encoding problem of a text file, or `not a PNG file`).
 * Downloads are not looked into: they are never shown inline.
 */
export function fileContentProblem(name: string, bytes: Buffer): { code: 'encoding' | 'mismatch'; reason: string } | null {
  const kind = fileKind(name);
  if ('text' in kind) {
    const problem = textEncodingProblem(bytes, kind.text === 'xml') ?? (extensionOf(name) === 'css' ? cssCharsetProblem(bytes) : null);
    return problem ? { code: 'encoding', reason: problem } : null;
  }
  if ('sniff' in kind && !kind.sniff(bytes)) return { code: 'mismatch', reason: `not a .${extensionOf(name)} file` };
  return null;
}

/** How many first bytes of a file decide how it is served. */
export const SNIFF_BYTES = 8192;

/**
 * How a stored player file is served, from its name and its first bytes
 * (`head`, at most SNIFF_BYTES): its own type only when the bytes agree (an
 * .svg must start as UTF-8 XML with an <svg> element, a picture with its
 * magic bytes); otherwise, and for every type the player never shows inline,
 * `application/octet-stream` as a download. Import refuses such files, so
 * this only matters for files stored before a check existed.
 */
export function servedType(name: string, head: Buffer): { contentType: string; download: boolean } {
  const kind = fileKind(name);
  const download = { contentType: 'application/octet-stream', download: true };
  if ('download' in kind) return download;
  if ('sniff' in kind) {
    const sniffed = kind.sniff(head);
    return sniffed ? { contentType: sniffed, download: false } : download;
  }
  if (textEncodingProblem(head, kind.text === 'xml', true)) return download;
  if (extensionOf(name) === 'css' && cssCharsetProblem(head)) return download;
  if (extensionOf(name) === 'svg' && !/<(?:[\w.-]+:)?svg[\s>/]/.test(head.toString('utf8'))) return download;
  return { contentType: kind.contentType, download: false };
}
