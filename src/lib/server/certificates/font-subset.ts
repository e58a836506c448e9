/**
 * A TrueType subsetter that cannot renumber glyphs wrong, because it does not
 * renumber them: it keeps the outlines of the glyphs a document draws (and the
 * components of composite ones), empties every other glyph, and drops the
 * tables a PDF viewer never reads (OpenType layout, glyph names). Glyph ids
 * stay as in the whole font, so pdf-lib's encoding (Identity CIDs = glyph ids)
 * and widths are right as they are. @pdf-lib/fontkit's own subsets are broken
 * (issue 12: poppler and Chromium drew most letters blank); a whole Noto Sans
 * costs ~300 KB a font, this keeps a document at tens of KB.
 */

/** Tables a TrueType font in a PDF needs (ISO 32000 9.9: head, hhea, hmtx, loca, glyf, maxp, cvt, fpgm, prep), plus cmap, OS/2, name and gasp, which are small. */
const KEEP_TABLES = new Set(['head', 'hhea', 'hmtx', 'loca', 'glyf', 'maxp', 'cvt ', 'fpgm', 'prep', 'cmap', 'OS/2', 'name', 'gasp', 'post']);

interface Table {
  tag: string;
  data: Uint8Array;
}

function readTables(font: Uint8Array): { version: number; tables: Map<string, Uint8Array> } {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const version = view.getUint32(0);
  if (version !== 0x00010000 && version !== 0x74727565) throw new Error('pruneTrueType: not a TrueType font');
  const tables = new Map<string, Uint8Array>();
  for (let i = 0, n = view.getUint16(4); i < n; i++) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(...font.subarray(record, record + 4));
    const offset = view.getUint32(record + 8);
    const length = view.getUint32(record + 12);
    tables.set(tag, font.subarray(offset, offset + length));
  }
  return { version, tables };
}

/** The glyph ids a composite glyph is built from. */
function components(glyph: Uint8Array): number[] {
  const view = new DataView(glyph.buffer, glyph.byteOffset, glyph.byteLength);
  if (glyph.length < 10 || view.getInt16(0) >= 0) return [];
  const ids: number[] = [];
  let at = 10;
  for (;;) {
    const flags = view.getUint16(at);
    ids.push(view.getUint16(at + 2));
    at += 4 + (flags & 0x0001 ? 4 : 2);
    if (flags & 0x0008) at += 2;
    else if (flags & 0x0040) at += 4;
    else if (flags & 0x0080) at += 8;
    if (!(flags & 0x0020)) return ids;
  }
}

function checksum(data: Uint8Array): number {
  const padded = new Uint8Array((data.length + 3) & ~3);
  padded.set(data);
  const view = new DataView(padded.buffer);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  return sum;
}

/** `font` (a TrueType font) with only the outlines of glyphs `keep` (glyph 0, .notdef, always). */
export function pruneTrueType(font: Uint8Array, keep: Iterable<number>): Uint8Array {
  const { version, tables } = readTables(font);
  const head = tables.get('head');
  const maxp = tables.get('maxp');
  const loca = tables.get('loca');
  const glyf = tables.get('glyf');
  if (!head || !maxp || !loca || !glyf) throw new Error('pruneTrueType: no TrueType outlines');
  const numGlyphs = new DataView(maxp.buffer, maxp.byteOffset).getUint16(4);
  const longLoca = new DataView(head.buffer, head.byteOffset).getInt16(50) === 1;
  const locaView = new DataView(loca.buffer, loca.byteOffset, loca.byteLength);
  const offsetOf = (id: number) => (longLoca ? locaView.getUint32(id * 4) : locaView.getUint16(id * 2) * 2);
  const glyph = (id: number) => glyf.subarray(offsetOf(id), offsetOf(id + 1));

  const kept = new Set<number>([0]);
  const pending = [0, ...keep].filter((id) => id >= 0 && id < numGlyphs);
  while (pending.length) {
    const id = pending.pop()!;
    kept.add(id);
    for (const part of components(glyph(id))) if (part < numGlyphs && !kept.has(part)) pending.push(part);
  }

  // New glyf and a long loca: kept glyphs in id order (4-byte aligned), empty ones take no bytes.
  const ordered = [...kept].sort((a, b) => a - b);
  const glyfSize = ordered.reduce((size, id) => size + ((glyph(id).length + 3) & ~3), 0);
  const newGlyf = new Uint8Array(glyfSize);
  const newLoca = new Uint8Array((numGlyphs + 1) * 4);
  const newLocaView = new DataView(newLoca.buffer);
  let at = 0;
  for (let id = 0; id < numGlyphs; id++) {
    newLocaView.setUint32(id * 4, at);
    if (!kept.has(id)) continue;
    const g = glyph(id);
    newGlyf.set(g, at);
    at += (g.length + 3) & ~3;
  }
  newLocaView.setUint32(numGlyphs * 4, at);

  // Copies (a Buffer's slice() is a view: never write into the caller's font).
  const newHead = Uint8Array.from(head);
  const headView = new DataView(newHead.buffer);
  headView.setUint32(8, 0); // checkSumAdjustment, set below
  headView.setInt16(50, 1); // long loca
  // post version 3: no glyph names (they are most of the table and no viewer of a PDF needs them).
  const post = tables.get('post');
  const newPost = post ? Uint8Array.from(post.subarray(0, 32)) : undefined;
  if (newPost) new DataView(newPost.buffer).setUint32(0, 0x00030000);

  const out: Table[] = [];
  for (const [tag, data] of tables) {
    if (!KEEP_TABLES.has(tag)) continue;
    const replaced = { head: newHead, loca: newLoca, glyf: newGlyf, post: newPost } as Record<string, Uint8Array | undefined>;
    out.push({ tag, data: replaced[tag] ?? data });
  }
  out.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return assemble(version, out);
}

function assemble(version: number, tables: Table[]): Uint8Array {
  const n = tables.length;
  const entrySelector = Math.floor(Math.log2(n));
  const searchRange = 2 ** entrySelector * 16;
  const headerSize = 12 + 16 * n;
  const size = tables.reduce((total, t) => total + ((t.data.length + 3) & ~3), headerSize);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, version);
  view.setUint16(4, n);
  view.setUint16(6, searchRange);
  view.setUint16(8, entrySelector);
  view.setUint16(10, n * 16 - searchRange);
  let offset = headerSize;
  let headOffset = -1;
  tables.forEach((t, i) => {
    const record = 12 + 16 * i;
    for (let c = 0; c < 4; c++) bytes[record + c] = t.tag.charCodeAt(c);
    view.setUint32(record + 4, checksum(t.data));
    view.setUint32(record + 8, offset);
    view.setUint32(record + 12, t.data.length);
    bytes.set(t.data, offset);
    if (t.tag === 'head') headOffset = offset;
    offset += (t.data.length + 3) & ~3;
  });
  if (headOffset >= 0) view.setUint32(headOffset + 8, (0xb1b0afba - checksum(bytes)) >>> 0);
  return bytes;
}
