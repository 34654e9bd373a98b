// Every user-facing string exists in English and Russian: the manifest, the host, the panel and the validation messages; counts take the plural form their language asks for.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatMessage, pluralForms, setDisplayLanguage, setTranslator, tn } from '../../src/common/l10n';
import { costText, formatUsd, modelPriceText } from '../../src/common/wording';

const root = path.resolve(__dirname, '../../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

/** Literal message arguments of t(…), l10n.t(…), vscode.l10n.t(…) and tn(count, …) calls in the sources. */
export function usedMessages(plurals = new Set<string>()): Map<string, string> {
  const found = new Map<string, string>();
  const files = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const call = /(?<![\w.])(?:(?:vscode\.)?(?:l10n\.)?t|tn)\(\s*(?:(?<=tn\(\s*)[^,()'"`]+,\s*)?(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, 'src', file), 'utf8');
    for (const m of text.matchAll(call)) {
      if (m[1] === '`' && m[2].includes('${')) assert.fail(`${file}: a translated message must not interpolate with \${}: ${m[2]}`);
      const message = m[2].replace(/\\'/g, "'").replace(/\\"/g, '"').replace(/\\`/g, '`').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      found.set(message, file);
      if (m[0].startsWith('tn')) plurals.add(message);
    }
  }
  return found;
}

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();
}

const uniquePlaceholders = (form: string) => [...new Set(placeholders(form))].join(',');

describe('localisation', () => {
  const ru = readJson('l10n/bundle.l10n.ru.json') as Record<string, string>;
  const plurals = new Set<string>();
  const used = usedMessages(plurals);

  it('finds the messages in the sources (guards against a scanner that matches nothing)', () => {
    assert.ok(used.size > 50, `found ${used.size} messages`);
  });

  it('has a Russian translation for every message the code uses', () => {
    const missing = [...used.keys()].filter((m) => !(m in ru));
    assert.deepEqual(
      missing.map((m) => `${used.get(m)}: ${m}`),
      [],
    );
  });

  it('has no Russian translation for a message the code no longer uses', () => {
    const extra = Object.keys(ru).filter((m) => !used.has(m));
    assert.deepEqual(extra, []);
  });

  it('finds the counted messages, and only they are split into plural forms', () => {
    assert.ok(plurals.size > 20, `found ${plurals.size} counted messages`);
    for (const message of used.keys()) assert.equal(message.includes('|'), plurals.has(message), `"|" belongs to tn(count, …) messages only: ${message}`);
  });

  it('gives every counted message the plural forms of its language, each with the same placeholders', () => {
    assert.deepEqual(pluralForms('en'), ['one', 'other']);
    assert.deepEqual(pluralForms('ru'), ['one', 'few', 'many']);
    for (const en of plurals) {
      const english = en.split('|');
      const russian = (ru[en] ?? '').split('|');
      assert.equal(english.length, 2, `English needs one|other: ${en}`);
      assert.equal(russian.length, 3, `Russian needs one|few|many: ${ru[en]}`);
      for (const form of [...english, ...russian]) {
        assert.equal(uniquePlaceholders(form), uniquePlaceholders(english[0]), `${form} (from ${en})`);
        assert.ok(form.includes('{0}'), `a form without its count: ${form}`);
      }
    }
  });

  it('keeps the same placeholders in both languages and translates for real', () => {
    for (const [en, translated] of Object.entries(ru)) {
      if (plurals.has(en)) continue;
      assert.deepEqual(placeholders(translated), placeholders(en), en);
      assert.ok(
        /[а-яё]/i.test(translated) ||
          !/[a-z]{3}/i.test(en.replace(/\{\d+\}|RunComfy|Dreamina|request_id|https?:\S+|\$\([\w~-]+\)|PNG|JPEG|Bearer|VS Code|RUNCOMFY_API_TOKEN/g, '')),
        `looks untranslated: ${translated}`,
      );
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

  describe('in Russian', () => {
    before(() => {
      setTranslator((message, ...args) => formatMessage(ru[message] ?? message, ...args));
      setDisplayLanguage('ru');
    });
    after(() => {
      setTranslator(formatMessage);
      setDisplayLanguage('en');
    });

    it('counts with real plurals: 1 задание, 3 задания, 5 заданий, 21 задание, 1 234 задания', () => {
      const jobs = (n: number) => tn(n, '{0} job|{0} jobs');
      assert.deepEqual([1, 3, 5, 11, 21, 22, 0].map(jobs), ['1 задание', '3 задания', '5 заданий', '11 заданий', '21 задание', '22 задания', '0 заданий']);
      assert.equal(jobs(1234), '1\u00a0234 задания');
      assert.equal(tn(2, '{1} MB ({0} byte)|{1} MB ({0} bytes)', '15,0'), '15,0 МБ (2 байта)');
      assert.equal(
        tn(3, 'not in the bundle: {0} thing|not in the bundle: {0} things'),
        'not in the bundle: 3 things',
        'an untranslated message keeps the English rules',
      );
    });

    it('writes prices with a decimal comma and the unit in Russian', () => {
      assert.equal(formatUsd(0.03), '$0,03');
      assert.equal(formatUsd(0.035), '$0,035');
      assert.equal(modelPriceText(0.03, 'per image'), '$0,03 за изображение');
      assert.equal(modelPriceText('$0.03', 'per image'), '$0,03 за изображение', "RunComfy's price text is parsed, not passed through");
      assert.equal(modelPriceText('0.05', 'per megapixel'), '$0,05 per megapixel', 'an unknown unit keeps its words');
      assert.equal(modelPriceText('varies', 'per image'), 'varies per image', 'a price that cannot be read stays as RunComfy wrote it');
      assert.equal(costText(0.06, 2), '$0,06 — 2 изображения × $0,03');
      assert.equal(costText(0.15, 5), '$0,15 — 5 изображений × $0,03');
    });
  });

  it('counts in English: 1 job, 2 jobs, 1,234 jobs', () => {
    assert.equal(tn(1, '{0} job|{0} jobs'), '1 job');
    assert.equal(tn(2, '{0} job|{0} jobs'), '2 jobs');
    assert.equal(tn(1234, '{0} job|{0} jobs'), '1,234 jobs');
    assert.equal(modelPriceText(0.03, 'per image'), '$0.03 per image');
  });

  it('formats placeholders in order', () => {
    assert.equal(formatMessage('{1} of {0}', 'a', 2), '2 of a');
    assert.equal(formatMessage('no {3}', 'x'), 'no {3}');
  });
});
