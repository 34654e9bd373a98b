// Text from outside (a server message, a schema issue) set into one of our sentences, without a doubled full stop.

/**
 * `text` as a clause to put before our own punctuation: trailing whitespace and a final `.`, `。` or `;` are dropped
 * (an ellipsis, `?` and `!` are kept: they say something), so "failed: {0}." never reads "failed: …URL..".
 */
export function clause(text: string): string {
  const trimmed = text.trim();
  if (/(\.\.\.|…)$/.test(trimmed)) return trimmed;
  return trimmed.replace(/[\s.;。]+$/u, '');
}
