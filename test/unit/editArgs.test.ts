// The runcomfy.edit automation argument: every field checked with the same sentences the UI shows, paths resolved.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../../src/api/errors';
import { parseSize, promptProblem } from '../../src/api/model';
import { parseEditArgs } from '../../src/jobs/editArgs';

describe('parseEditArgs', () => {
  let ws: string;
  before(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-args-'));
    fs.mkdirSync(path.join(ws, 'img'));
    fs.writeFileSync(path.join(ws, 'img', 'a.png'), 'x');
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('resolves URLs, file URIs, absolute and workspace-relative paths', () => {
    const abs = path.join(ws, 'img', 'a.png');
    const parsed = parseEditArgs(
      {
        images: ['https://example.com/x.jpg', pathToFileURL(abs).href, abs, 'img/a.png'],
        prompt: 'hello',
        size: '4096x4096',
        scale: 0.2,
        forceSingle: true,
        wait: true,
      },
      [ws],
    );
    assert.deepEqual(parsed.refs, [
      { kind: 'url', url: 'https://example.com/x.jpg' },
      { kind: 'file', path: abs },
      { kind: 'file', path: abs },
      { kind: 'file', path: abs },
    ]);
    assert.deepEqual(parsed.options, { size: '4096x4096(1:1)', scale: 0.2, forceSingle: true });
    assert.equal(parsed.wait, true);
  });

  it('refuses bad arguments with specific sentences', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ images: [], prompt: 'p' }, /1 to 10/],
      [{ images: Array(11).fill('https://e.com/a.png'), prompt: 'p' }, /at most 10/],
      [{ images: ['https://e.com/a.png'], prompt: '' }, /Write a prompt/],
      [{ images: ['https://e.com/a.png'], prompt: 'x'.repeat(801) }, /801 characters long; the limit is 800/],
      [{ images: ['https://e.com/a.png'], prompt: 'p', size: '999x999' }, /not a size this model offers/],
      [{ images: ['https://e.com/a.png'], prompt: 'p', scale: 2 }, /from 0 to 1/],
      [{ images: ['https://e.com/a.png'], prompt: 'p', forceSingle: 'yes' }, /true or false/],
      [{ images: ['missing.png'], prompt: 'p' }, /not found in the workspace/],
      [{ images: ['ftp://e.com/a.png'], prompt: 'p' }, /not supported/],
      [{ images: [42], prompt: 'p' }, /non-empty string/],
      ['just a string', /expects an object/],
    ];
    for (const [args, message] of cases) {
      assert.throws(
        () => parseEditArgs(args, [ws]),
        (e: unknown) => e instanceof InputError && message.test(e.userMessage),
        JSON.stringify(args).slice(0, 80),
      );
    }
  });

  it('reads sizes in every reasonable spelling', () => {
    assert.equal(parseSize('2048x2048(1:1)'), '2048x2048(1:1)');
    assert.equal(parseSize('2560×1440'), '2560x1440(16:9)');
    assert.equal(parseSize('2560 × 1440 — 16:9 widescreen'), '2560x1440(16:9)');
    assert.equal(parseSize('100x100'), undefined);
    assert.equal(promptProblem('  '), 'Write a prompt that describes the edit.');
    assert.equal(promptProblem('x'.repeat(800)), undefined);
  });
});
