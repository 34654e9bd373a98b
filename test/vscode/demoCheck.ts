// The demo's --check: drives the served VS Code like a user and sees what they see (toasts, the saved result).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { submitFromPromptStep } from '../ui/editWizard';
import { answerDialog, waitForDialog } from '../ui/dialogs';
import { waitForToast } from '../ui/toasts';
import {
  clickContextMenuItem,
  explorerItemNames,
  rightClickExplorerItem,
  screenshot,
  waitForCommand,
  waitForWorkbench,
  waitUntil,
} from '../ui/workbench';
import { openWorkbench, type CodeServer } from './codeServer';

export interface DemoCheckOptions {
  server: CodeServer;
  /** The demo workspace (sample images, README.txt). */
  workspace: string;
  /** How long one emulated job may take from submit to saved result. */
  jobTimeoutMs: number;
  log(message: string): void;
}

const editMenuLabel = 'Edit Image with Dreamina…';

/**
 * Right-clicks the too-wide sample (refused before anything is sent, in a toast), then edits the valid one: the
 * "edit submitted" toast, then the "result saved" toast and the file on disk. Screenshots go to test-artifacts/.
 */
export async function checkDemo(options: DemoCheckOptions): Promise<void> {
  const log = (message: string) => options.log(message);
  const workbench = await openWorkbench({ url: options.server.url, viewport: { width: 1400, height: 900 } });
  try {
    const page = workbench.page;
    await waitForWorkbench(page);
    const names = await explorerItemNames(page);
    for (const name of ['README.txt', 'valid-512x512.png', 'valid-640x480.jpg', 'invalid-aspect-too-wide-3100x1000.png', 'damaged-photo.png']) {
      if (!names.includes(name)) {
        throw new Error(`the Explorer does not show ${name}; it shows ${JSON.stringify(names)}`);
      }
    }
    log(`check: the Explorer shows ${names.join(', ')}`);
    await waitForCommand(page, 'RunComfy: Show Jobs');
    log('check: the extension is loaded (its commands are in the palette)');

    await rightClickExplorerItem(page, 'damaged-photo.png');
    await clickContextMenuItem(page, editMenuLabel);
    const refused = await waitForToast(page, /damaged-photo\.png/);
    if (refused.severity !== 'error') {
      throw new Error(`the damaged image is refused with a ${refused.severity} toast: ${refused.message}`);
    }
    log(`check: the damaged image is refused in a toast: "${refused.message}"`);
    log(`check: screenshot ${path.basename(await screenshot(page, 'demo-check-refused'))}`);

    await rightClickExplorerItem(page, 'invalid-aspect-too-wide-3100x1000.png');
    await clickContextMenuItem(page, editMenuLabel);
    const padOrCrop = await waitForDialog(page, /aspect ratio/);
    log(`check: the too-wide image asks "${padOrCrop.message}" with ${padOrCrop.buttons.join(', ')}`);
    log(`check: screenshot ${path.basename(await screenshot(page, 'demo-check-pad-or-crop'))}`);
    await answerDialog(padOrCrop, 'Cancel');

    await rightClickExplorerItem(page, 'valid-512x512.png');
    await clickContextMenuItem(page, editMenuLabel);
    await submitFromPromptStep(page, 'Turn the sky into a warm sunset');
    const submitted = await waitForToast(page, 'edit submitted');
    log(`check: toast "${submitted.message}"`);
    log(`check: screenshot ${path.basename(await screenshot(page, 'demo-check-submitted'))}`);

    const saved = await waitForToast(page, /results? saved for/, options.jobTimeoutMs);
    const resultsDir = path.join(options.workspace, 'runcomfy-results');
    const files = await waitUntil(`a result in ${resultsDir}`, () => {
      const found = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((name) => /\.(png|jpe?g)$/i.test(name)) : [];
      return found.length > 0 ? found : undefined;
    });
    log(`check: toast "${saved.message}"; runcomfy-results/ holds ${files.join(', ')}`);
    log(`check: screenshot ${path.basename(await screenshot(page, 'demo-check-saved'))}`);
  } finally {
    await workbench.close();
  }
}
