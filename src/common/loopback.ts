// The one rule for "is this a loopback address": 127.0.0.0/8, ::1 and localhost, as the URL parser spells them; nothing else.

/**
 * Whether `host` (a URL's hostname, or a host typed by hand) names the local machine. Other spellings (`127.1`,
 * `0x7f.0.0.1`, `[0:0::1]`) are first normalised by the URL parser, the same one every request goes through, so
 * `127.example.com` or `localhost.evil.com` never pass.
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase().replace(/\.$/, '');
  if (!h) return false;
  if (h.includes(':') && !h.startsWith('[')) h = `[${h}]`;
  try {
    h = new URL(`http://${h}/`).hostname.replace(/\.$/, '');
  } catch {
    return false;
  }
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Whether a URL points at a loopback host; false for anything that does not parse. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url.trim()).hostname);
  } catch {
    return false;
  }
}
