// The output folder setting: variables expanded, relative paths anchored to the image's workspace folder.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { expandVariables, resolveOutputFolder } from '../../src/common/variables';

const ctx = { workspaceFolder: '/ws/project', fileDirname: '/ws/project/img', userHome: '/home/u', now: new Date('2026-03-04T10:00:00Z') };

describe('output folder variables', () => {
  it('expands the known variables and leaves unknown ones visible', () => {
    assert.equal(expandVariables('${workspaceFolder}/out/${date}', ctx), '/ws/project/out/2026-03-04');
    assert.equal(expandVariables('${workspaceFolderBasename}-${fileDirname}', ctx), 'project-/ws/project/img');
    assert.equal(expandVariables('${nope}/x', ctx), '${nope}/x');
  });

  it('resolves relative folders against the workspace folder, and falls back sensibly', () => {
    assert.equal(resolveOutputFolder('runcomfy-results', ctx), path.resolve('/ws/project/runcomfy-results'));
    assert.equal(resolveOutputFolder('', ctx), path.resolve('/ws/project/runcomfy-results'));
    assert.equal(resolveOutputFolder('${fileDirname}/edits', ctx), path.resolve('/ws/project/img/edits'));
    assert.equal(resolveOutputFolder('~/Pictures', ctx), path.resolve('/home/u/Pictures'));
    assert.equal(resolveOutputFolder('out', { userHome: '/home/u', now: ctx.now }), path.resolve('/home/u/RunComfy/out'));
  });
});
