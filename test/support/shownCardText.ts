/**
 * A card's JSON as a person reads its words in Teams: the app Markdown-escapes text from lists and notices
 * (src/domain/text/escapeMarkdown.ts: `Alex Wilber \(…\)`, `in\-school`), and Teams' Markdown drops those
 * backslashes when it shows the card. Tests that look for words on a card compare against this; the escaping itself
 * is tested in test/teams/cards.test.ts.
 *
 * In the JSON a backslash is written `\\`, so an escape `\(` appears as the three characters `\\(`.
 */
export function shownCardText(card: unknown): string {
  return JSON.stringify(card ?? {}).replace(/\\\\([\\`*_[\]()#+\-!|<>~.])/g, "$1");
}
