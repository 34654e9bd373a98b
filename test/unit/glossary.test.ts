// The Russian translation keeps one name per thing: docs/glossary.ru.md's terms are used, its banned variants are not, and two different labels never share one Russian word.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

interface Entry {
  english: string;
  russian: string[];
  banned: string[];
}

/** The rows of the glossary's table: English, Russian, Not, Notes; terms are the `code` spans of a cell. */
export function readGlossary(text: string): Entry[] {
  const terms = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*(English|---)/.test(line))
    .map((line) => line.split('|').slice(1, -1))
    .map(([english, russian, banned]) => ({ english: english.trim(), russian: terms(russian), banned: terms(banned ?? '') }));
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, string>;

/** [English, Russian] for every translated string: the bundle's, and the manifest's by their English text. */
function translations(): Array<[string, string]> {
  const nlsEnglish = readJson('package.nls.json');
  const nls = Object.entries(readJson('package.nls.ru.json')).map(([key, ru]): [string, string] => [nlsEnglish[key] ?? key, ru]);
  return [...Object.entries(readJson('l10n/bundle.l10n.ru.json')), ...nls];
}

/** Where `term` breaks the glossary in `text`: `=word` bans the whole translation, anything else a part of it. */
export function breaks(term: string, text: string): boolean {
  return term.startsWith('=') ? text.trim().toLowerCase() === term.slice(1).toLowerCase() : text.toLowerCase().includes(term.toLowerCase());
}

describe('Russian glossary', () => {
  const glossary = readGlossary(fs.readFileSync(path.join(root, 'docs/glossary.ru.md'), 'utf8'));
  const all = translations();

  it('is read from docs/glossary.ru.md (guards against a parser that finds nothing)', () => {
    assert.ok(glossary.length >= 20, `${glossary.length} rows`);
    assert.ok(glossary.some((e) => e.russian.includes('вес промпта') && e.banned.includes('сила промпта')));
    assert.ok(breaks('=Правка', ' правка') && !breaks('=Правка', 'Новая правка') && breaks('настройк', 'Настройки прокси'));
  });

  it('uses every term of the glossary somewhere in the translations', () => {
    const unused = glossary.flatMap((e) => e.russian).filter((term) => !all.some(([, ru]) => breaks(term, ru)));
    assert.deepEqual(unused, []);
  });

  it('uses none of the banned variants', () => {
    const found = glossary.flatMap((e) =>
      e.banned.flatMap((term) => all.filter(([, ru]) => breaks(term, ru)).map(([key, ru]) => `${term} (${e.english}) in ${key}: ${ru}`)),
    );
    assert.deepEqual(found, []);
  });

  it('gives two different labels two different names', () => {
    // The same word for the same meaning on purpose: closing a notice, and going on with a paused batch or a picker.
    const synonyms = [
      ['Close', 'Dismiss'],
      ['Continue', 'Resume'],
      ['a file cannot be written in {0} ({1})', 'the file cannot be written to {0} ({1})'],
    ];
    const same = (a: string, b: string) =>
      a.toLowerCase().replace(/request_id/g, 'request id') === b.toLowerCase().replace(/request_id/g, 'request id') ||
      synonyms.some((pair) => pair.includes(a) && pair.includes(b));
    const byRussian = new Map<string, string[]>();
    for (const [key, ru] of all) byRussian.set(ru.toLowerCase(), [...(byRussian.get(ru.toLowerCase()) ?? []), key]);
    const clashes = [...byRussian].filter(([, keys]) => keys.some((a) => keys.some((b) => !same(a, b)))).map(([ru, keys]) => `${ru}: ${keys.join(' / ')}`);
    assert.deepEqual(clashes, []);
  });
});
