// What of a URL may be kept or shown: its origin and path. The query (a pre-signed URL's signature) only ever goes to RunComfy.

/** Appended where a query or fragment was cut off, so nobody mistakes the shortened address for the one that was sent. */
export const QUERY_REMOVED = ' (query removed)';

/**
 * `https://host/path` for a URL with a query or fragment, with the marker appended; any other text as it is. A URL
 * with a user name or password loses those too.
 */
export function withoutQuery(url: string): string {
  const text = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return url;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return url;
  if (!parsed.search && !parsed.hash && !parsed.username && !parsed.password) return text;
  const cut = !!(parsed.search || parsed.hash);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${cut ? QUERY_REMOVED : ''}`;
}

/** Whether a text is an address whose query was removed (and so cannot be fetched as it is). */
export function hasRemovedQuery(text: string): boolean {
  return text.trimEnd().endsWith(QUERY_REMOVED.trim());
}

const HTTP_URL = /\bhttps?:\/\/[^\s"'<>()[\]{}]+/gi;

/** Every http(s) URL inside a longer text (a log line, an error) without its query. */
export function scrubUrls(text: string): string {
  if (!/https?:\/\//i.test(text)) return text;
  return text.replace(HTTP_URL, (url) => withoutQuery(url));
}
