// Composition root: builds the pieces, registers them, and pushes every disposable onto the context.
import * as vscode from 'vscode';
import { registerCommands } from './commands/table';
import { setDisplayLanguage, setTranslator } from './common/l10n';
import { registerLanguageModelTools } from './lm/editImageTool';
import { Services } from './platform/services';
import { registerBatchProgress } from './ui/batchProgress';
import { registerNotifications } from './ui/notifications';
import { registerStatusBar } from './ui/statusBar';
import { registerPanel } from './webview/registerPanel';

let services: Services | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  setTranslator((message, ...args) => vscode.l10n.t(message, ...args));
  setDisplayLanguage(vscode.env.language);
  services = new Services(context);
  const ctx = { extension: context, services };
  context.subscriptions.push(
    services,
    registerCommands(ctx),
    registerStatusBar(services),
    registerNotifications(services),
    registerBatchProgress(services),
    registerPanel(context, services),
    registerLanguageModelTools(services),
  );
  // Only stored work that still needs tracking, saving or the user loads the engine, and only once activate() has
  // returned: loading the runtime bundle and restoring jobs never holds up activation (or other extensions).
  if (services.hasUnfinishedWork()) {
    const { jobs, logger } = services;
    const resume = setTimeout(() => {
      jobs.ready().catch((e: unknown) => logger.warn(`stored jobs could not be restored: ${e instanceof Error ? e.message : String(e)}`));
    }, 0);
    context.subscriptions.push({ dispose: () => clearTimeout(resume) });
  }
  services.logger.info(`activated in ${Date.now() - started} ms`);
}

/** Stops local timers and in-flight downloads cleanly; remote jobs keep running and are resumed next time. */
export async function deactivate(): Promise<void> {
  await services?.shutdown();
  services = undefined;
}
