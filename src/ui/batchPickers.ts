// The batch's questions: which images, which references, what to do about images that cannot be sent, and the last word on cost.
import * as vscode from 'vscode';
import { tn } from '../common/l10n';
import { MAX_REFERENCES } from '../batch/batch';
import { formatUsd } from '../common/wording';
import { IMAGE_FILE_EXTENSIONS } from '../imaging/formats';
import type { InputRef } from '../jobs/inputChecks';
import { splitUrls, urlProblem } from './imagePicker';
import { plainLabel, plainText } from '../common/plainText';
import { showInfo, showWarning } from './messages';

/** Folders or image files, from the file dialog; undefined when the user backs out. */
export async function pickBatchSources(): Promise<string[] | undefined> {
  type Choice = vscode.QuickPickItem & { folders: boolean };
  const choice = await vscode.window.showQuickPick<Choice>(
    [
      { label: `$(folder) ${vscode.l10n.t('A folder…')}`, detail: vscode.l10n.t('Every image in it and its subfolders'), folders: true },
      { label: `$(file-media) ${vscode.l10n.t('Images…')}`, detail: vscode.l10n.t('Pick image files; each becomes one job'), folders: false },
    ],
    { title: vscode.l10n.t('RunComfy Batch: images'), placeHolder: vscode.l10n.t('Which images should get the same edit?'), ignoreFocusOut: true },
  );
  if (!choice) return undefined;
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFolders: choice.folders,
    canSelectFiles: !choice.folders,
    openLabel: vscode.l10n.t('Edit in Batch'),
    ...(choice.folders ? {} : { filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] } }),
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return uris && uris.length > 0 ? uris.map((u) => u.fsPath) : undefined;
}

/** Images sent after each item's own (a logo, a style); an empty list when there are none. */
export async function pickReferences(): Promise<InputRef[] | undefined> {
  const refs: InputRef[] = [];
  type Row = vscode.QuickPickItem & { action: 'done' | 'files' | 'urls' | 'clear' };
  for (;;) {
    const listed = refs.map((r) => (r.kind === 'file' ? vscode.workspace.asRelativePath(r.path) : r.url)).join(', ');
    const rows: Row[] = [
      {
        label:
          refs.length === 0
            ? `$(arrow-right) ${vscode.l10n.t('No reference images')}`
            : `$(arrow-right) ${tn(refs.length, 'Continue with {0} reference image|Continue with {0} reference images')}`,
        ...(listed ? { detail: plainLabel(listed) } : {}),
        action: 'done',
      },
    ];
    if (refs.length < MAX_REFERENCES) {
      rows.push(
        { label: `$(file-media) ${vscode.l10n.t('Add image files…')}`, action: 'files' },
        { label: `$(link) ${vscode.l10n.t('Add image URLs…')}`, action: 'urls' },
      );
    }
    if (refs.length > 0) rows.push({ label: `$(clear-all) ${vscode.l10n.t('Remove all references')}`, action: 'clear' });
    const choice = await vscode.window.showQuickPick(rows, {
      title: vscode.l10n.t('RunComfy Batch: reference images'),
      placeHolder: vscode.l10n.t('Optional: up to {0} images sent after each image, e.g. a logo or a style', MAX_REFERENCES),
      ignoreFocusOut: true,
    });
    if (!choice) return undefined;
    if (choice.action === 'done') return refs;
    if (choice.action === 'clear') refs.length = 0;
    if (choice.action === 'files') {
      const uris = await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: vscode.l10n.t('Add as Reference'),
        filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] },
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      for (const u of uris ?? []) if (refs.length < MAX_REFERENCES) refs.push({ kind: 'file', path: u.fsPath });
    }
    if (choice.action === 'urls') {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('RunComfy Batch: reference URLs'),
        prompt: vscode.l10n.t('Public https:// image URLs, separated by spaces or commas'),
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? urlProblem(v) : undefined),
      });
      if (text && !urlProblem(text)) for (const url of splitUrls(text)) if (refs.length < MAX_REFERENCES) refs.push({ kind: 'url', url });
    }
  }
}

export type ProblemChoice = 'continue' | 'pad' | 'crop';

/** Some images cannot be sent: go on with the rest, bring the wrongly shaped ones into range, or stop. */
export async function askAboutProblems(lines: string, bad: number, good: number, aspectOnly: number): Promise<ProblemChoice | undefined> {
  const go = vscode.l10n.t('Continue with {0}', good);
  const pad = vscode.l10n.t('Pad {0} to 3:1', aspectOnly);
  const crop = vscode.l10n.t('Crop {0} to 3:1', aspectOnly);
  const buttons = [...(good > 0 ? [go] : []), ...(aspectOnly > 0 ? [pad, crop] : [])];
  const message =
    good > 0
      ? tn(bad, '{0} of the images cannot be sent as it is.|{0} of the images cannot be sent as they are.')
      : vscode.l10n.t('None of the images can be sent as they are.');
  const choice = await showWarning(message, { modal: true, detail: lines }, ...buttons);
  return choice === go ? 'continue' : choice === pad ? 'pad' : choice === crop ? 'crop' : undefined;
}

export interface BatchSummaryForConfirm {
  jobs: number;
  unitPrice?: number;
  folder: string;
  concurrency: number;
  references: number;
  prompt: string;
}

/** The last step before money is spent: how many jobs, what they are expected to cost, where results go. */
export async function confirmBatch(s: BatchSummaryForConfirm): Promise<boolean> {
  const cost =
    s.unitPrice === undefined
      ? vscode.l10n.t("Estimated cost: price unknown (the model's price could not be read).")
      : tn(
          s.jobs,
          'Estimated cost: {1} ({0} job × {2} per image; a job that returns several images costs more).|Estimated cost: {1} ({0} jobs × {2} per image; a job that returns several images costs more).',
          formatUsd(s.jobs * s.unitPrice),
          formatUsd(s.unitPrice),
        );
  const detail = [
    cost,
    vscode.l10n.t('Results: {0}', plainText(s.folder)),
    vscode.l10n.t('At most {0} jobs at a time; each image is sent once.', s.concurrency),
    ...(s.references > 0 ? [tn(s.references, '{0} reference image is sent with every image.|{0} reference images are sent with every image.')] : []),
    vscode.l10n.t('Prompt: {0}', plainText(s.prompt.length > 200 ? `${s.prompt.slice(0, 199)}…` : s.prompt)),
  ].join('\n');
  const send = tn(s.jobs, 'Send {0} Job|Send {0} Jobs');
  const choice = await showInfo(tn(s.jobs, 'Send {0} paid edit to RunComfy?|Send {0} paid edits to RunComfy?'), { modal: true, detail }, send);
  return choice === send;
}
