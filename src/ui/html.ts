// HTML escaping for every value the web UI writes into a page, in text or in a quoted attribute.

const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/**
 * `text` with `& < > " '` replaced by entities, so it is safe both as element text and inside a quoted
 * attribute value. The UI puts no value into a script or a URL of its own: the browser's script reads
 * values back from text and `data-` attributes, so HTML escaping is the only escaping needed.
 */
export function escapeHtml(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (char) => ENTITIES[char]!) : text;
}
