/**
 * Answers as Markdown (what real Bedrock models write): lists, emphasis, code, tables and
 * links, rendered with `marked` and sanitised with DOMPurify before they touch the page.
 * Answer text is model output and may repeat tenant data verbatim (an order's item name),
 * so it is treated as hostile:
 * - raw HTML is off: HTML in the Markdown is shown as text, never parsed;
 * - images are never loaded (their alt text is shown): no tracking pixels, no remote
 *   content (the CSP's img-src 'self' says the same);
 * - links are kept only for http(s) and mailto, and open in a new tab with
 *   rel="noopener noreferrer"; any other scheme (javascript:, data:, vbscript:, …) is
 *   shown as its text;
 * - DOMPurify then allows only the tags and attributes this renderer produces, so a
 *   bug in the renderer still cannot put a script, handler, style or SVG on the page.
 */
import { Marked } from "../vendor/marked.js";
import DOMPurify from "../vendor/purify.js";

/** Link schemes that may stay links. */
export const SAFE_LINK = /^(?:https?:|mailto:)/i;

const ALLOWED_TAGS = [
  "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "hr",
  "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
  "table", "thead", "tbody", "tr", "th", "td", "a",
];
const ALLOWED_ATTR = ["href", "title", "start", "align", "target", "rel"];

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const marked = new Marked({
  async: false,
  gfm: true,
  // Models separate lines with single newlines; keep them as line breaks.
  breaks: true,
  renderer: {
    // Raw HTML (blocks and inline tags) is shown as the text it is.
    html({ text }) {
      return escapeHtml(text);
    },
    // No remote images: the alt text stands in for the picture.
    image({ text }) {
      return escapeHtml(text);
    },
    link({ href, title, tokens }) {
      const label = this.parser.parseInline(tokens);
      if (!SAFE_LINK.test(href.trim())) return label;
      const titleAttr = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(href.trim())}"${titleAttr}>${label}</a>`;
    },
  },
});

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.nodeName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/**
 * The answer's Markdown as a sanitised DocumentFragment, ready to swap in.
 * @param {string} text
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text) {
  const html = /** @type {string} */ (marked.parse(text));
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_LINK,
    ALLOW_DATA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
}
