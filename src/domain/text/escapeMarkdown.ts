/**
 * Escapes text for an Adaptive Card's TextBlock or FactSet (Teams reads them as Markdown): a value from a list — a
 * school's name, who recorded a decision — is shown as written, never as a link, emphasis or a list. Every character
 * that can start Markdown is backslash-escaped, and line breaks become spaces (a new line could start a list).
 *
 * @example
 * escapeMarkdown("[Your session expired](https://evil.example/login)") // "\\[Your session expired\\]\\(https://evil.example/login\\)"
 * escapeMarkdown("St Mary's *Catholic* School") // "St Mary's \\*Catholic\\* School"
 * escapeMarkdown("1. first\n- second") // "1\\. first \\- second"
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n|\r|\n/g, " ").replace(/[\\`*_[\]()#+\-!|<>~]|(?<=\d)\.(?=\s|$)/g, (c) => `\\${c}`);
}

/**
 * A URL made safe as the target of a Markdown link (`[Open the case](…)`): the characters that would end the link
 * or break out of it are percent-encoded.
 *
 * @example
 * markdownLinkTarget("https://contoso.sharepoint.com/sites/lncip/Lists/Cases/DispForm.aspx?ID=40") // "https://contoso.sharepoint.com/sites/lncip/Lists/Cases/DispForm.aspx?ID=40"
 * markdownLinkTarget("https://x.example/a (b)") // "https://x.example/a%20%28b%29"
 */
export function markdownLinkTarget(url: string): string {
  return url.replace(/[\s()<>[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
