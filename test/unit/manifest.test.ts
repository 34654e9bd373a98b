// package.json and the code agree: every contributed command has a handler, hidden commands stay out of the palette, settings are documented.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function tableIds(): string[] {
  const table = fs.readFileSync(path.join(root, 'src/commands/table.ts'), 'utf8');
  const ids = [...table.matchAll(/'(runcomfy\.[A-Za-z]+)':/g)].map((m) => m[1]);
  // Commands that belong to one feature register themselves (the panel's open command).
  for (const file of fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(root, 'src', file), 'utf8');
    ids.push(...[...text.matchAll(/registerCommand\('(runcomfy\.[A-Za-z]+)'/g)].map((m) => m[1]));
  }
  return ids;
}

describe('manifest', () => {
  const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);

  it('contributes exactly the commands the table registers', () => {
    assert.deepEqual([...new Set(tableIds())].sort(), [...contributed].sort());
  });

  it('puts every command in the RunComfy category', () => {
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'RunComfy', c.command);
  });

  it('hides context-only and internal commands from the palette', () => {
    const hidden = new Set(
      pkg.contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command),
    );
    for (const id of ['runcomfy.openResult', 'runcomfy.revealResult', 'runcomfy.retryDownload', 'runcomfy.copyRequestId']) {
      assert.ok(hidden.has(id), `${id} is hidden`);
    }
    for (const id of ['runcomfy.edit', 'runcomfy.openPanel', 'runcomfy.showJobs', 'runcomfy.cancel', 'runcomfy.resume', 'runcomfy.setApiToken', 'runcomfy.clearApiToken', 'runcomfy.showLog', 'runcomfy.openOutputFolder']) {
      assert.ok(!hidden.has(id), `${id} is in the palette`);
    }
  });

  it('offers the edit and panel entries in the Explorer only for the image formats fitting reads', () => {
    for (const command of ['runcomfy.edit', 'runcomfy.openPanel', 'runcomfy.editBatch']) {
      const entry = pkg.contributes.menus['explorer/context'].find((m: { command: string }) => m.command === command);
      assert.ok(entry, command);
      const when: string = entry.when;
      assert.match(when, /explorerResourceIsFolder/);
      const regex = /resourceExtname =~ \/(.+)\/(\w*)/.exec(when);
      assert.ok(regex, command);
      const re = new RegExp(regex[1], regex[2]);
      for (const ext of ['.png', '.jpg', '.jpeg', '.PNG', '.JPG', '.webp', '.gif', '.bmp', '.tif', '.tiff', '.avif', '.heic', '.HEIF']) assert.ok(re.test(ext), `${command} ${ext}`);
      for (const ext of ['.svg', '.txt', '.pngx', '.psd', '']) assert.ok(!re.test(ext), `${command} ${ext}`);
    }
  });

  it('offers "Edit with Dreamina…" on an image preview\'s title bar and tab menu for every format fitting reads', () => {
    for (const menu of ['editor/title', 'editor/title/context']) {
      const entry = pkg.contributes.menus[menu].find((m: { command: string }) => m.command === 'runcomfy.editImageInPanel');
      assert.ok(entry, menu);
      assert.match(entry.when, /activeCustomEditorId == imagePreview\.previewEditor/, menu);
      const regex = /resourceExtname =~ \/(.+)\/(\w*)/.exec(entry.when);
      assert.ok(regex, menu);
      const re = new RegExp(regex[1], regex[2]);
      for (const ext of ['.png', '.jpg', '.jpeg', '.JPG', '.webp', '.gif', '.bmp', '.tif', '.tiff', '.avif', '.heic', '.HEIF']) assert.ok(re.test(ext), `${menu} ${ext}`);
      for (const ext of ['.svg', '.ico', '.pngx', '']) assert.ok(!re.test(ext), `${menu} ${ext}`);
    }
    const command = pkg.contributes.commands.find((c: { command: string }) => c.command === 'runcomfy.editImageInPanel');
    assert.match(command.icon, /^\$\([a-z-]+\)$/, 'a codicon');
  });

  it('documents every setting and keeps the ones that steer the token at application scope', () => {
    const props = pkg.contributes.configuration.properties;
    for (const [key, value] of Object.entries<Record<string, unknown>>(props)) {
      assert.ok(typeof value.markdownDescription === 'string' && (value.markdownDescription).length > 30, `${key} has a markdownDescription`);
    }
    assert.equal(props['runcomfy.apiBaseUrl'].scope, 'application');
    assert.equal(props['runcomfy.apiBaseUrl'].default, 'https://model-api.runcomfy.net');
    assert.equal(props['runcomfy.allowedDownloadHosts'].scope, 'application');
    assert.ok(props['runcomfy.outputFolder']);
    assert.ok(!Object.keys(props).some((k) => /token/i.test(k)), 'no setting holds the token');
  });

  it('declares limited workspace trust, pins engines to @types/vscode, and activates cheaply', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(pkg.engines.vscode.replace(/^\^/, ''), pkg.devDependencies['@types/vscode']);
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(pkg.activationEvents.includes('onStartupFinished'));
  });

  it('pins every dependency to an exact version', () => {
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, version] of Object.entries<string>(deps)) assert.match(version, /^\d+\.\d+\.\d+$/, `${name}@${version}`);
    }
  });

  it('shows a real, small, shipped picture in every walkthrough step, each a different one', () => {
    const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split(/\r?\n/);
    const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const images: string[] = [];
    for (const walkthrough of pkg.contributes.walkthroughs) {
      for (const step of walkthrough.steps) {
        const image: string = step.media.image;
        assert.match(image, /^media\/walkthrough\/[\w-]+\.png$/, `${step.id} shows ${image}`);
        const bytes = fs.readFileSync(path.join(root, image));
        assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${image} is not a PNG`);
        assert.ok(bytes.length < 150 * 1024, `${image} is ${bytes.length} bytes`);
        const alt: string | undefined = nls[String(step.media.altText).replace(/^%|%$/g, '')];
        assert.ok(alt && !/\bicon\b/i.test(alt), `${step.id} has no alt text describing its picture: ${alt}`);
        images.push(image);
      }
    }
    assert.equal(new Set(images).size, images.length, 'two steps show the same picture');
    assert.ok(ignore.includes('!media/walkthrough/*.png'), '.vscodeignore does not ship media/walkthrough/');
  });
});
