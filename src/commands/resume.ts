// runcomfy.resume: fetches and saves an existing request_id's result without submitting anything.
import * as vscode from 'vscode';
import { outputFolderFor } from '../platform/config';
import { CommandContext } from './context';

export function resumeCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<{ requestId: string; status: string } | undefined> => {
    const helpers = ctx.services.helpers();
    const given = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && typeof (arg as { requestId?: unknown }).requestId === 'string' ? (arg as { requestId: string }).requestId : undefined;
    const scripted = given !== undefined;
    const raw =
      given ??
      (await vscode.window.showInputBox({
        title: 'RunComfy: resume by request_id',
        prompt: 'The request_id of an existing job (from a notification, the log, or your RunComfy dashboard). Nothing is submitted.',
        placeHolder: 'e.g. 3f2a9c1e-7b6d-4e0f-9a51-2c8d7e6b1a90',
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            helpers.assertRequestId(v);
            return undefined;
          } catch (e) {
            return helpers.userMessageOf(e);
          }
        },
      }));
    if (!raw) return undefined;
    const fail = (e: unknown) => {
      if (scripted) throw new Error(helpers.userMessageOf(e));
      void vscode.window.showErrorMessage(helpers.userMessageOf(e));
      return undefined;
    };
    let requestId: string;
    try {
      requestId = helpers.assertRequestId(raw);
    } catch (e) {
      return fail(e);
    }
    if (!(scripted ? await ctx.services.tokens.get() : await ctx.services.requireToken())) {
      return fail(new Error('No RunComfy API token is set. Run "RunComfy: Set API Token" or set RUNCOMFY_API_TOKEN.'));
    }
    const runtime = await ctx.services.runtime();
    try {
      const job = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RunComfy: looking up ${requestId}…` },
        () => runtime.engine.resume(requestId, { outputDir: outputFolderFor(undefined), baseName: 'resumed' }),
      );
      if (!scripted) {
        void vscode.window.showInformationMessage(
          job.state === 'succeeded' ? `RunComfy: request ${requestId} is done; saving its results.` : `RunComfy: tracking request ${requestId} (${job.state}).`,
        );
      }
      return { requestId, status: job.state };
    } catch (e) {
      return fail(e);
    }
  };
}
