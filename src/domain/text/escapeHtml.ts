/**
 * Escapes text for HTML (an email body, a report): free text from a form is shown as written, never as markup.
 *
 * @example
 * escapeHtml('<b>"Tom" & Jerry\'s</b>') // "&#60;b&#62;&#34;Tom&#34; &#38; Jerry&#39;s&#60;/b&#62;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
