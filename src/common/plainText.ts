// Text that came from outside (file names, prompts, URLs, RunComfy's messages, request_ids) made inert wherever VS Code renders markup.

/**
 * For notification text and modal dialogs: VS Code turns `[label](command:…)` (and http, file links) in a
 * notification into a clickable link that runs with its arguments, so `](` is broken up. Everything else stays
 * readable as written.
 */
export function plainText(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}

/**
 * For quick pick labels, descriptions and details, which also draw `$(icon)` syntax: the icon syntax is escaped
 * (shown as typed) and links are broken up as in plainText.
 */
export function plainLabel(text: string): string {
  return plainText(text).replace(/\$\(/g, '\\$(');
}

/** For Markdown (a trusted MarkdownString with command links): every character Markdown or HTML gives meaning to is escaped. */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$&:]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/**
 * A Markdown code span that holds `text` whatever it contains: the fence is one backtick longer than the longest run
 * inside, and padded when the text starts or ends with a backtick, so nothing breaks out of the span.
 */
export function markdownCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(flat) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block that shows `text` literally: its fence is longer than any run of backticks inside. */
export function markdownBlock(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}
