// Which hosts results may be downloaded from: https to the allowed hosts only, and http solely to a loopback host the settings name.
import { isLoopbackHost } from '../common/loopback';

/** The value of `runcomfy.allowedDownloadHosts` when the user has not changed it. */
export const DEFAULT_ALLOWED_DOWNLOAD_HOSTS: readonly string[] = ['*.runcomfy.net', '*.runcomfy.com'];

export const ALLOWED_HOSTS_SETTING = 'runcomfy.allowedDownloadHosts';

interface HostPattern {
  /** Lower-case host name (punycode) or IP; IPv6 in brackets, as URL.hostname spells it. */
  host: string;
  wildcard: boolean;
  port?: string;
}

function normaliseHost(host: string): string | undefined {
  const trimmed = host.trim().toLowerCase().replace(/\.$/, '');
  if (!trimmed) return undefined;
  try {
    // Lets the URL parser apply the same IDN and IPv4 normalisation it applies to the URL being checked.
    return new URL(`https://${trimmed}/`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** Parses 'runcomfy.net', '*.runcomfy.net', '127.0.0.1:8080', '[::1]:8080' or '::1'; tolerates a pasted scheme or path. */
export function parseHostPattern(raw: string): HostPattern | undefined {
  let text = raw.trim().toLowerCase();
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '');
  if (!text) return undefined;
  let wildcard = false;
  if (text.startsWith('*.')) {
    wildcard = true;
    text = text.slice(2);
  }
  let hostPart = text;
  let port: string | undefined;
  const bracketed = /^(\[[0-9a-f:.]+\])(?::(\d+))?$/.exec(text);
  if (bracketed) {
    hostPart = bracketed[1];
    port = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length > 1) {
    hostPart = `[${text}]`;
  } else {
    const m = /^([^:]+):(\d+)$/.exec(text);
    if (m) {
      hostPart = m[1];
      port = m[2];
    } else if (text.includes(':')) {
      return undefined;
    }
  }
  if (hostPart.includes('*')) return undefined;
  const host = normaliseHost(hostPart);
  if (!host) return undefined;
  return { host, wildcard, port };
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
}

function matches(pattern: HostPattern, url: URL, host: string): boolean {
  if (pattern.port !== undefined && pattern.port !== effectivePort(url)) return false;
  if (pattern.wildcard) return host === pattern.host || host.endsWith(`.${pattern.host}`);
  return host === pattern.host;
}

/**
 * Whether a result may be fetched from `url`. https only, to a host a pattern allows; http only to a loopback host
 * that a pattern names explicitly (a wildcard never opens loopback). URLs with credentials are refused.
 */
export function isAllowedDownloadUrl(url: string, patterns: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (!host) return false;
  const parsedPatterns = patterns.map(parseHostPattern).filter((p): p is HostPattern => p !== undefined);
  const loopback = isLoopbackHost(host);
  if (parsed.protocol === 'https:') {
    return parsedPatterns.some((p) => (loopback ? !p.wildcard : true) && matches(p, parsed, host));
  }
  if (parsed.protocol === 'http:' && loopback) {
    return parsedPatterns.some((p) => !p.wildcard && matches(p, parsed, host));
  }
  return false;
}

/** The host (and port when not the default) to name in a refusal. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url.length > 60 ? `${url.slice(0, 59)}…` : url;
  }
}
