// Normalises a pasted API token: users paste it with a "Bearer " prefix, quotes or whitespace; the header wants it bare.

export function normaliseToken(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const t = raw
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/^bearer\s+/i, '')
    .trim();
  return t.length > 0 ? t : undefined;
}
