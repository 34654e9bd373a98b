// The panel's codicon stylesheet (written by `npm run build`): only the icons the panel shows, and every one of them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

/** Files that name the icons the panel shows: its views, and the job rules that pick each job's icon. */
function iconSources(): string[] {
  const ui = path.join(root, 'src', 'webview-ui');
  return [
    ...fs
      .readdirSync(ui)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(ui, f)),
    path.join(root, 'src', 'jobs', 'rules.ts'),
  ];
}

function iconRules(css: string): Set<string> {
  return new Set([...css.matchAll(/^\.codicon-([a-z0-9-]+):before \{/gm)].map((m) => m[1]));
}

describe('the panel codicon stylesheet', () => {
  const shipped = iconRules(fs.readFileSync(path.join(root, 'dist', 'codicon.css'), 'utf8'));
  const all = iconRules(fs.readFileSync(path.join(root, 'node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'), 'utf8'));

  it('has a rule for every icon the panel names', () => {
    const named = new Set<string>();
    for (const file of iconSources()) {
      const text = fs.readFileSync(file, 'utf8');
      // codicon('x'), codicon(a ? 'x' : 'y'), { icon: 'x' }: every quoted literal there that is a codicon name.
      for (const call of text.matchAll(/(?:codicon\(|icon: )([^)\n]*)/g)) {
        for (const literal of call[1].matchAll(/'([a-z0-9-]+)'/g)) if (all.has(literal[1])) named.add(literal[1]);
      }
    }
    for (const name of ['tag', 'error', 'loading', 'close', 'trash', 'pass-filled', 'cloud-upload', 'file-media'])
      assert.ok(named.has(name), `the scan finds ${name}`);
    assert.deepEqual(
      [...named].filter((name) => !shipped.has(name)),
      [],
    );
  });

  it('leaves out the icons it never shows', () => {
    assert.ok(all.size > 500, 'the full stylesheet is read');
    assert.ok(shipped.size < 100, `${shipped.size} icon rules shipped`);
    assert.ok(!shipped.has('github'));
  });
});
