// Result file names: sanitised stems, numbered names, and paths that can never leave the output folder.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  assertInside,
  lockNameFor,
  MAX_STEM_LENGTH,
  outputStem,
  sanitizeStem,
  shortRequestId,
  sidecarNameFor,
  stemFromFileName,
  tempNameFor,
} from '../../src/jobs/naming';

describe('naming', () => {
  describe('sanitizeStem', () => {
    const cases: Array<[string, string]> = [
      ['photo', 'photo'],
      ['my holiday  photo', 'my holiday photo'],
      ['../../etc/x', 'etc-x'],
      ['..\\..\\windows\\system32', 'windows-system32'],
      ['/abs/path', 'abs-path'],
      ['a..b', 'a.b'],
      ['.hidden', 'hidden'],
      ['trailing. . ', 'trailing'],
      ['tab\there\u0000nul\u001besc', 'tabherenulesc'],
      ['a<b>c:d"e|f?g*h', 'a-b-c-d-e-f-g-h'],
      ['CON', 'CON_'],
      ['nul', 'nul_'],
      ['com1.backup', 'com1_.backup'],
      ['console', 'console'],
      ['', 'edit'],
      ['   ', 'edit'],
      ['..', 'edit'],
      ['/', 'edit'],
      ['Café', 'Café'],
    ];
    for (const [input, expected] of cases) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(sanitizeStem(input), expected);
      });
    }

    it('trims to about 60 characters without splitting an emoji', () => {
      const long = 'x'.repeat(59) + '😀😀😀';
      const out = sanitizeStem(long);
      assert.equal(Array.from(out).length, MAX_STEM_LENGTH);
      assert.equal(out, 'x'.repeat(59) + '😀');
      assert.equal(sanitizeStem('y'.repeat(500)).length, MAX_STEM_LENGTH);
    });

    it('never yields a separator, a parent reference or a leading dot', () => {
      for (const nasty of ['../..', '..././', 'a/../../b', '\\\\server\\share', '.../...', '\u202e..gnp.exe']) {
        const out = sanitizeStem(nasty);
        assert.ok(!/[/\\]/.test(out), out);
        assert.ok(!out.includes('..'), out);
        assert.ok(!out.startsWith('.'), out);
      }
    });
  });

  it('derives a stem from an input file name', () => {
    assert.equal(stemFromFileName('/home/u/Pictures/cat.photo.png'), 'cat.photo');
    assert.equal(stemFromFileName('C:\\Users\\u\\dog.jpg'), 'dog');
    assert.equal(stemFromFileName('.png'), 'png');
  });

  it('builds output names from stem, request id, index and attempt', () => {
    const id = '3f9c2a1b-7e6d-4c5b-9a8f-0e1d2c3b4a59';
    assert.equal(shortRequestId(id), '3f9c2a1b');
    assert.equal(shortRequestId('../..'), 'request');
    assert.equal(outputStem('cat', id, 0, 1), 'cat-3f9c2a1b');
    assert.equal(outputStem('cat', id, 1, 3), 'cat-3f9c2a1b-2');
    assert.equal(outputStem('cat', id, 0, 1, 2), 'cat-3f9c2a1b-2');
    assert.equal(outputStem('cat', id, 2, 3, 4), 'cat-3f9c2a1b-3-4');
    assert.equal(outputStem('../x', id, 0, 1), 'x-3f9c2a1b');
    assert.equal(sidecarNameFor('cat-3f9c2a1b.png'), 'cat-3f9c2a1b.json');
  });

  it('makes hidden, distinct temp names and safe lock names', () => {
    const a = tempNameFor('cat-3f9c2a1b');
    const b = tempNameFor('cat-3f9c2a1b');
    assert.match(a, /^\.cat-3f9c2a1b\.[0-9a-f]{12}\.part$/);
    assert.notEqual(a, b);
    assert.equal(lockNameFor('abc-123'), '.runcomfy-abc-123.lock');
    assert.equal(lockNameFor('../../x'), '.runcomfy-______x.lock');
  });

  it('assertInside accepts direct children only', () => {
    const dir = path.resolve('/tmp/out');
    assert.equal(assertInside(dir, 'a.png'), path.join(dir, 'a.png'));
    for (const bad of ['../a.png', '/etc/passwd', 'sub/a.png', '..', '', '.']) {
      assert.throws(() => assertInside(dir, bad), /outside the output folder/, bad);
    }
  });
});
