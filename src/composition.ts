// The composition root, its own bundle (dist/composition.js) loaded by the activation entry on first need: builds the services and registers every feature.
import * as vscode from 'vscode';
import type { Contributions } from './activation/contributions';
import { registerCommands } from './commands/table';
import { setDisplayLanguage, setTranslator } from './common/l10n';
import { registerLanguageModelTools } from './lm/editImageTool';
import { Services } from './platform/services';
import { registerBatchProgress } from './ui/batchProgress';
import { registerNotifications } from './ui/notifications';
import { registerStatusBar } from './ui/statusBar';
import { registerPanel } from './webview/registerPanel';

export interface Composition extends vscode.Disposable {
  /** Loads the engine and restores stored jobs: tracking, saving, and showing what needs the user. */
  resumeStoredWork(): void;
  /** Stops local timers and in-flight downloads cleanly; remote jobs keep running and are resumed next time. */
  shutdown(): Promise<void>;
}

/** `channel` is the log the activation entry opened; commands, panel serializers and chat tools go to `contributions`. */
export function compose(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel, contributions: Contributions): Composition {
  setTranslator((message, ...args) => vscode.l10n.t(message, ...args));
  setDisplayLanguage(vscode.env.language);
  const services = new Services(context, channel);
  const ctx = { extension: context, services };
  const registrations = vscode.Disposable.from(
    services,
    registerCommands(ctx, contributions),
    registerStatusBar(services),
    registerNotifications(services),
    registerBatchProgress(services),
    registerPanel(context, services, contributions),
    registerLanguageModelTools(services, contributions),
  );
  return {
    resumeStoredWork: () => {
      services.jobs.ready().catch((e: unknown) => services.logger.warn(`stored jobs could not be restored: ${e instanceof Error ? e.message : String(e)}`));
    },
    shutdown: () => services.shutdown(),
    dispose: () => {
      registrations.dispose();
    },
  };
}
