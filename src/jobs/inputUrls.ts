// Image URLs and data URIs: whether RunComfy can fetch a URL, and how either is shown without its secrets.
import { createHash } from 'node:crypto';
import { t } from '../common/l10n';
import { isLoopbackHost } from '../common/loopback';
import { hasRemovedQuery, withoutQuery } from '../common/privateUrl';
import type { InputProblem } from './inputChecks';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const DATA_URI = /data:([\w.+-]+\/[\w.+-]+)?((?:;[\w.+-]+=[^;,\s]*)*)(;base64)?,([A-Za-z0-9+/=%._~-]*)/g;

/**
 * Replaces every data: URI in `value` with `data:<mime>;base64 (N bytes, sha256:<12 hex>…)`, so a log line or a
 * sidecar never carries megabytes of base64 (or the image itself). Other text is left as it is.
 */
export function shortenDataUri(value: string): string {
  if (!value.includes('data:')) return value;
  return value.replace(DATA_URI, (_match, mime: string | undefined, _params: string, base64: string | undefined, payload: string) => {
    const bytes = base64 ? Buffer.from(payload, 'base64') : Buffer.from(safeDecode(payload), 'latin1');
    return `data:${mime ?? 'text/plain'}${base64 ? ';base64' : ''} (${bytes.length} bytes, sha256:${sha256Hex(bytes).slice(0, 12)}…)`;
  });
}

function safeDecode(payload: string): string {
  try {
    return decodeURIComponent(payload);
  } catch {
    return payload;
  }
}

/** Shows where a URL points without its query or fragment, which may carry a signature. */
function displayUrl(url: string): string {
  const trimmed = url.trim();
  const shown = trimmed.startsWith('data:') ? shortenDataUri(trimmed) : withoutQuery(shortenDataUri(trimmed));
  return shown.length > 100 ? `${shown.slice(0, 99)}…` : shown;
}

/** Pure: whether RunComfy can be pointed at this URL. Loopback http exists only for a local stand-in of the service. */
export function checkUrl(url: string): InputProblem[] {
  const shown = displayUrl(url);
  const subject = shown;
  if (hasRemovedQuery(url)) {
    return [
      {
        rule: 'url',
        subject,
        message: t('The query of {0} was not kept (it may hold a signature), so this address cannot be fetched as it is; add the full address again.', shown),
      },
    ];
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return [{ rule: 'url', subject, message: t('"{0}" is not a valid URL; give a full https:// address of a publicly reachable image.', shown) }];
  }
  if (parsed.username || parsed.password) {
    return [
      {
        rule: 'url',
        subject,
        message: t('{0} contains a user name or password; RunComfy cannot log in anywhere, so use a public or pre-signed https:// URL instead.', shown),
      },
    ];
  }
  if (parsed.protocol === 'https:') {
    if (!parsed.hostname) {
      return [{ rule: 'url', subject, message: t('"{0}" has no host name; give a full https:// address of a publicly reachable image.', shown) }];
    }
    return [];
  }
  if (parsed.protocol === 'http:') {
    if (isLoopbackHost(parsed.hostname)) return [];
    return [
      {
        rule: 'url',
        subject,
        message: t('{0} uses plain http; RunComfy only fetches images over https://, so use the https address of the image.', shown),
      },
    ];
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const message =
    scheme === 'file'
      ? t('{0} is a file: URL; RunComfy can only fetch images from public https:// URLs. Add local images as files instead of file: URLs.', shown)
      : scheme === 'data'
        ? t('{0} is a data: URL; RunComfy can only fetch images from public https:// URLs. Add the image as a file instead of pasting a data: URI.', shown)
        : t('{0} is a {1}: URL; RunComfy can only fetch images from public https:// URLs.', shown, scheme);
  return [{ rule: 'url', subject, message }];
}
