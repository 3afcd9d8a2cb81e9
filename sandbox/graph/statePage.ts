/**
 * A read-only page that shows a person what the app did: every area's state (lists and items, mailboxes,
 * calendars, subscriptions), escaped so nothing in it is rendered as markup.
 */
export function renderStatePage(areas: { name: string; state: unknown }[]): string {
  const sections = areas
    .map((a) => `<section><h2>${escape(a.name)}</h2><pre>${escape(JSON.stringify(a.state, null, 2))}</pre></section>`)
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Graph sandbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}pre{background:#f4f4f4;padding:1rem;overflow:auto;max-height:40rem}</style>
</head><body><h1>Microsoft Graph sandbox</h1><p>Read-only view of the local tenant. Reset with <code>POST /_sandbox/reset</code>.</p>
${sections}</body></html>`;
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
