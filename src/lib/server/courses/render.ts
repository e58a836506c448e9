import markdownIt, { type MarkdownIt, type Token } from 'markdown-it';

/**
 * The one Markdown pipeline for lessons (learners and, later, the teachers'
 * preview): raw HTML disabled, no auto-linking, links to anywhere outside the
 * lesson rendered as plain text, pictures only from the course package.
 */

/** Maps an image path in the lesson to a served URL, or null when it is not part of the package. */
export type ImageResolver = (src: string) => string | null;

/**
 * The picture path as the teacher wrote it. markdown-it percent-encodes link
 * targets (`daļa.png` → `da%C4%BCa.png`), but the file on disk has the real name.
 */
function imageSrc(token: Token): string {
  const src = String(token.attrGet('src') ?? '');
  try {
    return decodeURI(src);
  } catch {
    return src;
  }
}

/** True for a link target that stays inside the page (`#section`). */
function isInPageLink(href: string): boolean {
  return href.startsWith('#') && !href.includes(':');
}

/** Typographic quotes of each lesson language: Latvian „…“, Russian «…», English “…”. */
const QUOTES: Record<string, string> = { lv: '„“‚‘', ru: '«»„“', en: '“”‘’' };

export function createLessonRenderer(resolveImage: ImageResolver, language = 'lv'): MarkdownIt {
  const md = markdownIt({ html: false, linkify: false, typographer: true, breaks: false, quotes: QUOTES[language] ?? QUOTES.lv! });
  // Links: only in-page anchors stay links; everything else becomes its text.
  const skipped = new WeakSet<object>();
  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    const href = String(token.attrGet('href') ?? '');
    if (isInPageLink(href)) return self.renderToken(tokens, idx, options);
    // Find the matching close token and mark it to be skipped too.
    let depth = 0;
    for (let i = idx + 1; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.type === 'link_open') depth++;
      if (t.type === 'link_close') {
        if (depth === 0) {
          skipped.add(t);
          break;
        }
        depth--;
      }
    }
    return '<span class="plain-link">';
  };
  md.renderer.rules.link_close = (tokens, idx, options, _env, self) =>
    skipped.has(tokens[idx]!) ? '</span>' : self.renderToken(tokens, idx, options);
  // Pictures: resolved to the stored copy, or shown as their description.
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const alt = self.renderInlineAsText(token.children ?? [], options, env);
    const url = resolveImage(imageSrc(token));
    if (!url) return `<span class="missing-image">${md.utils.escapeHtml(alt)}</span>`;
    return `<img src="${md.utils.escapeHtml(url)}" alt="${md.utils.escapeHtml(alt)}" loading="lazy">`;
  };
  // The page's own heading is the only h1: a lesson's "# heading" becomes an h2.
  md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    if (token.tag === 'h1') token.tag = 'h2';
    return self.renderToken(tokens, idx, options);
  };
  md.renderer.rules.heading_close = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    if (token.tag === 'h1') token.tag = 'h2';
    return self.renderToken(tokens, idx, options);
  };
  // Tables scroll sideways on narrow screens instead of breaking the page.
  md.renderer.rules.table_open = () => '<div class="table-scroll"><table>\n';
  md.renderer.rules.table_close = () => '</table></div>\n';
  return md;
}

/** Image paths a lesson refers to (to validate and store them with the package). */
export function imageSources(markdown: string): string[] {
  const md = markdownIt({ html: false, linkify: false });
  const found: string[] = [];
  const walk = (tokens: ReturnType<typeof md.parse>) => {
    for (const t of tokens) {
      if (t.type === 'image') found.push(imageSrc(t));
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(markdown, {}));
  return found;
}
