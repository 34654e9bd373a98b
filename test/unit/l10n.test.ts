// Every user-facing string exists in English and Russian: the manifest, the host, the panel and the validation messages.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatMessage } from '../../src/common/l10n';

const root = path.resolve(__dirname, '../../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

/** Literal first arguments of t(…), l10n.t(…) and vscode.l10n.t(…) calls in the sources. */
export function usedMessages(): Map<string, string> {
  const found = new Map<string, string>();
  const files = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const call = /(?<![\w.])(?:vscode\.)?(?:l10n\.)?t\(\s*(['`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, 'src', file), 'utf8');
    for (const m of text.matchAll(call)) {
      if (m[1] === '`' && m[2].includes('${')) assert.fail(`${file}: a translated message must not interpolate with \${}: ${m[2]}`);
      const message = m[2].replace(/\\'/g, "'").replace(/\\`/g, '`').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      found.set(message, file);
    }
  }
  return found;
}

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();
}

describe('localisation', () => {
  const ru = readJson('l10n/bundle.l10n.ru.json') as Record<string, string>;
  const used = usedMessages();

  it('finds the messages in the sources (guards against a scanner that matches nothing)', () => {
    assert.ok(used.size > 50, `found ${used.size} messages`);
  });

  it('has a Russian translation for every message the code uses', () => {
    const missing = [...used.keys()].filter((m) => !(m in ru));
    assert.deepEqual(missing.map((m) => `${used.get(m)}: ${m}`), []);
  });

  it('has no Russian translation for a message the code no longer uses', () => {
    const extra = Object.keys(ru).filter((m) => !used.has(m));
    assert.deepEqual(extra, []);
  });

  it('keeps the same placeholders in both languages and translates for real', () => {
    for (const [en, translated] of Object.entries(ru)) {
      assert.deepEqual(placeholders(translated), placeholders(en), en);
      assert.ok(/[а-яё]/i.test(translated) || !/[a-z]{3}/i.test(en.replace(/\{\d+\}|RunComfy|Dreamina|request_id|https?:\S+|\$\([\w~-]+\)|PNG|JPEG|Bearer|VS Code|RUNCOMFY_API_TOKEN/g, '')), `looks untranslated: ${translated}`);
    }
  });

  it('translates the manifest in both languages, key for key', () => {
    const en = readJson('package.nls.json');
    const ruNls = readJson('package.nls.ru.json');
    assert.deepEqual(Object.keys(ruNls).sort(), Object.keys(en).sort());
    const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const referenced = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(referenced.length > 20);
    for (const key of referenced) assert.ok(key in en, `package.nls.json lacks ${key}`);
    for (const key of Object.keys(en)) assert.ok(referenced.includes(key), `package.nls.json has unused ${key}`);
  });

  it('formats placeholders in order', () => {
    assert.equal(formatMessage('{1} of {0}', 'a', 2), '2 of a');
    assert.equal(formatMessage('no {3}', 'x'), 'no {3}');
  });
});
