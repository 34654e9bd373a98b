// Expands `${workspaceFolder}`-style variables in the output folder setting and keeps the result inside reason.
import * as path from 'node:path';

export interface VariableContext {
  workspaceFolder?: string;
  fileDirname?: string;
  userHome: string;
  now: Date;
}

/** Expands known variables; unknown ones are left as typed so the user can see what went wrong. */
export function expandVariables(template: string, ctx: VariableContext): string {
  return template.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    switch (name) {
      case 'workspaceFolder':
        return ctx.workspaceFolder ?? whole;
      case 'workspaceFolderBasename':
        return ctx.workspaceFolder ? path.basename(ctx.workspaceFolder) : whole;
      case 'fileDirname':
        return ctx.fileDirname ?? whole;
      case 'userHome':
        return ctx.userHome;
      case 'date':
        // The user's own calendar day, not UTC's.
        return `${ctx.now.getFullYear()}-${String(ctx.now.getMonth() + 1).padStart(2, '0')}-${String(ctx.now.getDate()).padStart(2, '0')}`;
      default:
        return whole;
    }
  });
}

/**
 * The absolute output folder: the setting expanded, then resolved against the source image's workspace folder
 * (or the file's own folder, or the home folder when there is no workspace).
 */
export function resolveOutputFolder(setting: string | undefined, ctx: VariableContext): string {
  const expanded = expandSetting(setting, ctx);
  if (path.isAbsolute(expanded)) return path.normalize(expanded);
  return path.resolve(baseFolder(ctx), expanded);
}

/**
 * The output folder and the folder it must stay inside: the folder it was resolved against, unless the user's own
 * (user-level) settings name an absolute folder, which is theirs to choose. A workspace's settings never reach out.
 */
export function resolveOutputPlace(
  setting: string | undefined,
  ctx: VariableContext,
  fromUserSettings: boolean,
): { outputDir: string; outputRoot: string | undefined } {
  const outputDir = resolveOutputFolder(setting, ctx);
  const chosenAbsolute = fromUserSettings && path.isAbsolute(expandSetting(setting, ctx));
  return { outputDir, outputRoot: chosenAbsolute ? undefined : baseFolder(ctx) };
}

function expandSetting(setting: string | undefined, ctx: VariableContext): string {
  return expandVariables((setting ?? '').trim() || 'runcomfy-results', ctx).replace(/^~(?=$|[\\/])/, ctx.userHome);
}

function baseFolder(ctx: VariableContext): string {
  return ctx.workspaceFolder ?? ctx.fileDirname ?? path.join(ctx.userHome, 'RunComfy');
}
