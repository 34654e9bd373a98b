// Activation entry, kept tiny: a stand-in for everything the manifest contributes, and the composition (dist/composition.js) loaded on first need.
import { createRequire } from 'node:module';
// The API object as is: `import * as` would have the bundle copy its hundreds of members, once per file, at load.
import vscode = require('vscode');
import { standInIdsOf } from './activation/manifest';
import { StandIns } from './activation/standIns';
import type * as CompositionModule from './composition';
import { hasUnfinishedBatch } from './storage/batchesKey';
import { hasUnfinishedWork } from './storage/jobsKey';

let composition: CompositionModule.Composition | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  let channel: vscode.LogOutputChannel | undefined;
  const log = (): vscode.LogOutputChannel => {
    if (!channel) {
      channel = vscode.window.createOutputChannel('RunComfy', { log: true });
      context.subscriptions.push(channel);
    }
    return channel;
  };
  const load = (): CompositionModule.Composition => {
    if (!composition) {
      // The composition is a bundle of its own beside this one, required only when something is first used.
      const bundle = createRequire(__filename)('./composition') as typeof CompositionModule;
      composition = bundle.compose(context, log(), standIns);
      context.subscriptions.push(composition);
    }
    return composition;
  };
  const standIns = new StandIns(load);
  context.subscriptions.push(standIns.register(standInIdsOf(context.extension.packageJSON)));
  const activatedMs = Date.now() - started;
  // The rest waits until activate() has returned, so it never holds up activation (or other extensions): the log, and
  // only when stored work still needs tracking, saving or the user, loading everything and restoring the jobs.
  const after = setTimeout(() => {
    log().info(`activated in ${activatedMs} ms`);
    if (!hasUnfinishedWork(context.workspaceState) && !hasUnfinishedBatch(context.workspaceState)) return;
    try {
      load().resumeStoredWork();
    } catch (e) {
      log().warn(`stored jobs could not be restored: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(after) });
}

/** Stops local timers and in-flight downloads cleanly; remote jobs keep running and are resumed next time. */
export async function deactivate(): Promise<void> {
  await composition?.shutdown();
  composition = undefined;
}
