// Recent prompts: the last 50 the user sent, newest first, each once, searchable by words in any order.

export const PROMPT_HISTORY_LIMIT = 50;

/** The same prompt typed again with other spacing is the same entry; its text is kept as last sent. */
function sameKey(prompt: string): string {
  return prompt.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** `prompt` first, its older copies gone, at most `limit` entries; a blank prompt changes nothing. */
export function rememberPrompt(history: readonly string[], prompt: string, limit = PROMPT_HISTORY_LIMIT): string[] {
  const text = prompt.trim();
  if (text === '') return [...history].slice(0, limit);
  const key = sameKey(text);
  return [text, ...history.filter((p) => sameKey(p) !== key)].slice(0, limit);
}

/** The prompts containing every word of `query` (any case, any order), newest first; all of them for an empty query. */
export function searchPrompts(history: readonly string[], query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...history];
  return history.filter((p) => {
    const text = p.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The history as stored (anything, from any version or another machine): its usable prompts, deduplicated and capped. */
export function parsePromptHistory(stored: unknown, limit = PROMPT_HISTORY_LIMIT): string[] {
  if (!Array.isArray(stored)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of stored) {
    if (typeof item !== 'string' || item.trim() === '') continue;
    const key = sameKey(item);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item.trim());
    if (out.length >= limit) break;
  }
  return out;
}
