// Activation entry, kept tiny: a stand-in for everything the manifest contributes, and the composition (dist/composition.js) loaded on first need.
import { createRequire } from 'node:module';
import * as vscode from 'vscode';
import { standInIdsOf } from './activation/manifest';
import { StandIns } from './activation/standIns';
import type * as CompositionModule from './composition';
import { hasUnfinishedBatch } from './storage/batchesKey';
import { hasUnfinishedWork } from './storage/jobsKey';

let composition: CompositionModule.Composition | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  const channel = vscode.window.createOutputChannel('RunComfy', { log: true });
  const load = (): CompositionModule.Composition => {
    if (!composition) {
      // The composition is a bundle of its own beside this one, required only when something is first used.
      const bundle = createRequire(__filename)('./composition') as typeof CompositionModule;
      composition = bundle.compose(context, channel, standIns);
      context.subscriptions.push(composition);
    }
    return composition;
  };
  const standIns = new StandIns(load);
  context.subscriptions.push(channel, standIns.register(standInIdsOf(context.extension.packageJSON)));
  // Only stored work that still needs tracking, saving or the user loads everything, and only once activate() has
  // returned: loading the bundles and restoring jobs never holds up activation (or other extensions).
  if (hasUnfinishedWork(context.workspaceState) || hasUnfinishedBatch(context.workspaceState)) {
    const resume = setTimeout(() => {
      try {
        load().resumeStoredWork();
      } catch (e) {
        channel.warn(`stored jobs could not be restored: ${e instanceof Error ? e.message : String(e)}`);
      }
    }, 0);
    context.subscriptions.push({ dispose: () => clearTimeout(resume) });
  }
  channel.info(`activated in ${Date.now() - started} ms`);
}

/** Stops local timers and in-flight downloads cleanly; remote jobs keep running and are resumed next time. */
export async function deactivate(): Promise<void> {
  await composition?.shutdown();
  composition = undefined;
}
