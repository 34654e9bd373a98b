// Recent prompts and presets as pure lists, their storage in globalState (synced keys), and pasted/dropped bytes saved as files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROMPT_HISTORY_LIMIT, parsePromptHistory, rememberPrompt, searchPrompts } from '../../src/common/promptHistory';
import { droppedFileName, pastedFileName, saveImportedImage } from '../../src/panel/importedImages';
import { applyPreset, presetFromDraft } from '../../src/panel/library';
import { emptyDraft } from '../../src/panel/draft';
import { deletePreset, parsePresets, type Preset, presetNameProblem, savePreset } from '../../src/panel/presets';
import { PRESETS_KEY, PROMPT_HISTORY_KEY, PromptLibrary } from '../../src/storage/promptLibrary';
import { makePng } from '../support/images';

const defaults = { size: '2048x2048(1:1)', scale: 0.5, forceSingle: false } as const;

function preset(name: string, over: Partial<Preset> = {}): Preset {
  return { id: `id-${name}`, name, prompt: `${name} prompt`, options: { ...defaults }, images: [], savedAt: 1, ...over };
}

describe('prompt history', () => {
  it('keeps the newest first, each prompt once (spacing and case aside), trimmed, at most 50', () => {
    let history: string[] = [];
    history = rememberPrompt(history, 'Make the sky red');
    history = rememberPrompt(history, '  Add a boat ');
    history = rememberPrompt(history, 'make the  SKY red');
    assert.deepEqual(history, ['make the  SKY red'.trim(), 'Add a boat']);
    assert.deepEqual(rememberPrompt(history, '   '), history, 'a blank prompt is not remembered');
    for (let i = 0; i < 60; i++) history = rememberPrompt(history, `prompt ${i}`);
    assert.equal(history.length, PROMPT_HISTORY_LIMIT);
    assert.equal(history[0], 'prompt 59');
    assert.equal(history.at(-1), 'prompt 10');
  });

  it('finds prompts containing every word typed, in any order and case, newest first', () => {
    const history = ['Warm sunset over the lake', 'A red boat on the lake', 'Studio light'];
    assert.deepEqual(searchPrompts(history, 'LAKE'), ['Warm sunset over the lake', 'A red boat on the lake']);
    assert.deepEqual(searchPrompts(history, 'lake red'), ['A red boat on the lake']);
    assert.deepEqual(searchPrompts(history, '  '), history);
    assert.deepEqual(searchPrompts(history, 'nothing'), []);
  });

  it('reads back whatever was stored: only non-blank strings, once each, at most 50', () => {
    assert.deepEqual(parsePromptHistory(undefined), []);
    assert.deepEqual(parsePromptHistory({ not: 'a list' }), []);
    assert.deepEqual(parsePromptHistory(['a', 3, '', ' a ', null, 'b']), ['a', 'b']);
    assert.equal(parsePromptHistory(Array.from({ length: 80 }, (_, i) => `p${i}`)).length, 50);
  });
});

describe('presets', () => {
  it('saves newest first, replaces one of the same name (any case) keeping its id, and deletes by id', () => {
    let presets = savePreset([], preset('Product'));
    presets = savePreset(presets, preset('Portrait'));
    presets = savePreset(presets, preset(' product ', { id: 'new-id', prompt: 'changed' }));
    assert.deepEqual(presets.map((p) => [p.id, p.name, p.prompt]), [
      ['id-Product', 'product', 'changed'],
      ['id-Portrait', 'Portrait', 'Portrait prompt'],
    ]);
    assert.deepEqual(deletePreset(presets, 'id-Product').map((p) => p.name), ['Portrait']);
  });

  it('never keeps a URL query (it may be a signature)', () => {
    const [saved] = savePreset([], preset('Ref', { images: [{ kind: 'url', url: 'https://x.example/a.png?X-Amz-Signature=abc' }] }));
    assert.deepEqual(saved.images, [{ kind: 'url', url: 'https://x.example/a.png (query removed)' }]);
  });

  it('wants a name of 1 to 60 characters', () => {
    assert.ok(presetNameProblem(''));
    assert.ok(presetNameProblem('   '));
    assert.ok(presetNameProblem('x'.repeat(61)));
    assert.equal(presetNameProblem('Product shot'), undefined);
  });

  it('reads back stored presets tolerantly: broken ones dropped, unknown options replaced by the defaults, one per name', () => {
    const parsed = parsePresets(
      [
        { id: 'a', name: 'Good', prompt: 'p', options: { size: '1024x1024(1:1)', scale: 0.7, forceSingle: true }, images: [{ kind: 'file', path: '/x.png' }, { kind: 'ftp' }], savedAt: 5 },
        { id: 'b', name: 'Old', prompt: 'p', options: { size: '999x999', scale: 7 } },
        { id: 'c', name: 'GOOD', prompt: 'twin' },
        { id: 'd', name: '' },
        'junk',
      ],
      defaults,
    );
    assert.deepEqual(parsed.map((p) => p.name), ['Good', 'Old']);
    assert.deepEqual(parsed[0].images, [{ kind: 'file', path: '/x.png' }]);
    assert.deepEqual(parsed[1].options, defaults);
    assert.deepEqual(parsePresets('nope', defaults), []);
  });

  it('is made from the draft and put back into it, leaving out files that are not on this computer', () => {
    const draft = emptyDraft(defaults);
    draft.prompt = 'Soft light';
    draft.scale = 0.9;
    const made = presetFromDraft(draft, ' Soft ', 42);
    assert.ok('preset' in made);
    assert.equal(made.preset.name, 'Soft');
    assert.equal(made.preset.savedAt, 42);
    assert.ok('problem' in presetFromDraft(draft, '', 42));

    const target = emptyDraft(defaults);
    const applied = applyPreset(
      target,
      { ...made.preset, images: [{ kind: 'file', path: '/here/a.png' }, { kind: 'file', path: '/gone/b.png' }, { kind: 'url', url: 'https://x.example/c.png' }] },
      (p) => p.startsWith('/here/'),
    );
    assert.equal(target.prompt, 'Soft light');
    assert.equal(target.scale, 0.9);
    assert.deepEqual(applied.refs.map((r) => (r.kind === 'file' ? r.path : r.url)), ['/here/a.png', 'https://x.example/c.png']);
    assert.deepEqual(applied.missing, ['b.png']);
  });
});

describe('PromptLibrary (globalState)', () => {
  function memento() {
    const values = new Map<string, unknown>();
    const synced: string[][] = [];
    return {
      synced,
      values,
      keys: () => [...values.keys()],
      get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
      update: async (key: string, value: unknown) => void values.set(key, JSON.parse(JSON.stringify(value))),
      setKeysForSync: (keys: readonly string[]) => void synced.push([...keys]),
    };
  }

  it('asks Settings Sync to carry the history and the presets, and stores them as plain JSON', async () => {
    const state = memento();
    const library = new PromptLibrary(state, () => ({ ...defaults }));
    assert.deepEqual(state.synced, [[PROMPT_HISTORY_KEY, PRESETS_KEY]]);
    let changes = 0;
    library.onDidChange(() => changes++);
    await library.remember('First');
    await library.remember('Second');
    await library.remember('first');
    assert.deepEqual(state.values.get(PROMPT_HISTORY_KEY), ['first', 'Second']);
    const saved = await library.savePreset(preset('Mine'));
    assert.equal(saved.name, 'Mine');
    assert.deepEqual(library.presets().map((p) => p.name), ['Mine']);
    await library.deletePreset(saved.id);
    assert.deepEqual(state.values.get(PRESETS_KEY), []);
    assert.equal(changes, 5);
  });
});

describe('pasted and dropped images', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imported-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names a pasted image by the time it was pasted, and never overwrites: a second paste in the same second gets -2', async () => {
    const when = new Date(2026, 11, 7, 9, 5, 3);
    assert.equal(pastedFileName(when), 'pasted-20261207-090503.png');
    const png = makePng(6, 4);
    const inputs = path.join(dir, 'runcomfy-results', 'inputs');
    const first = await saveImportedImage(inputs, { source: 'paste', bytes: png }, when);
    const second = await saveImportedImage(inputs, { source: 'paste', bytes: makePng(2, 2) }, when);
    assert.equal(first, path.join(inputs, 'pasted-20261207-090503.png'));
    assert.equal(second, path.join(inputs, 'pasted-20261207-090503-2.png'));
    assert.ok(fs.readFileSync(first).equals(png), 'the first paste is kept as it was');
  });

  it('keeps a dropped file\'s own name (made safe), with the extension of its real format when it has none', async () => {
    assert.equal(droppedFileName('C:\\\\Users\\\\me\\\\cat.png', 'png'), 'cat.png');
    assert.equal(droppedFileName('what?:*.jpeg', 'jpeg'), 'what---.jpeg');
    assert.equal(droppedFileName('scan', 'tiff'), 'scan.tiff');
    assert.equal(droppedFileName('..', 'png'), 'dropped.png');
    fs.writeFileSync(path.join(dir, 'cat.png'), 'taken');
    const saved = await saveImportedImage(dir, { source: 'drop', name: 'cat.png', bytes: makePng(3, 3) }, new Date());
    assert.equal(path.basename(saved), 'cat-2.png');
    assert.equal(fs.readFileSync(path.join(dir, 'cat.png'), 'utf8'), 'taken');
  });

  it('refuses, before anything is written, a file over 15 MB, bytes that are no image, and a paste that is not a PNG', async () => {
    const big = new Uint8Array(15 * 1024 * 1024 + 1);
    big.set(makePng(2, 2));
    await assert.rejects(saveImportedImage(dir, { source: 'drop', name: 'big.png', bytes: big }, new Date()), /big\.png is 15\.0 MB \(15,728,641 bytes\); each image must be at most 15 MB/);
    await assert.rejects(saveImportedImage(dir, { source: 'drop', name: 'notes.txt', bytes: Buffer.from('hello') }, new Date()), /notes\.txt is not an image/);
    await assert.rejects(saveImportedImage(dir, { source: 'paste', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) }, new Date()), /not a PNG/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
