// Messages between the extension host and the panel, as zod unions named by direction; both sides validate on arrival.
import * as z from 'zod/mini';
import { JOB_STATES } from '../jobs/rules';

// ---- shared views (host → panel data) ----

export const InputProblemView = z.object({ rule: z.string(), message: z.string() });

export const InputView = z.object({
  /** Stable id of this input inside the draft. */
  id: z.string(),
  kind: z.enum(['file', 'url']),
  /** File name or URL, for display. */
  label: z.string(),
  path: z.optional(z.string()),
  url: z.optional(z.string()),
  /** A webview URI of the local file, for the thumbnail (never a remote URL: the panel has no network). */
  thumb: z.optional(z.string()),
  format: z.optional(z.string()),
  bytes: z.optional(z.number()),
  width: z.optional(z.number()),
  height: z.optional(z.number()),
  /** Broken rules (type, 15 MB, 4096 px, aspect ratio…); empty when the image is fine. */
  problems: z.array(InputProblemView),
  /** True while the host is still reading the file. */
  checking: z.optional(z.boolean()),
  /** A local file: what is sent after fitting, in one line ("8064×6048 HEIC, 14.2 MB → 4096×3072 JPEG, 2.9 MB, location removed"). */
  fitSummary: z.optional(z.string()),
  /** The person's Pad or Crop choice for this file. */
  fit: z.optional(z.enum(['pad', 'crop'])),
  /** Pad or Crop is offered: the aspect ratio is out of range, or one of them is already chosen. */
  canFit: z.optional(z.boolean()),
});
export type InputView = z.infer<typeof InputView>;

export const DraftView = z.object({
  images: z.array(InputView),
  prompt: z.string(),
  size: z.string(),
  scale: z.number(),
  forceSingle: z.boolean(),
  /** The `seq` of the last updateDraft the host had applied when it wrote this draft (see src/webview-ui/editSequence.ts). */
  seq: z.optional(z.number()),
});
export type DraftView = z.infer<typeof DraftView>;

/** A job: the rule book's facts (the panel asks `src/jobs/rules` about them), its times and its problem. */
export const JobView = z.object({
  id: z.string(),
  requestId: z.optional(z.string()),
  state: z.enum(JOB_STATES),
  queuePosition: z.optional(z.number()),
  prompt: z.string(),
  createdAt: z.number(),
  submittedAt: z.optional(z.number()),
  startedAt: z.optional(z.number()),
  finishedAt: z.optional(z.number()),
  /** What went wrong, as the user reads it: a failure, a failed save, or why the state cannot be read. */
  error: z.optional(z.string()),
  cancelOutcome: z.optional(z.string()),
  seen: z.optional(z.boolean()),
  stalled: z.optional(z.boolean()),
  retryable: z.optional(z.boolean()),
  savedCount: z.optional(z.number()),
  /** Outputs RunComfy produced (what the cost paid for). */
  outputCount: z.optional(z.number()),
  cost: z.optional(z.number()),
  /** The batch it was sent for: the Jobs view groups its jobs under it. */
  batch: z.optional(z.object({ id: z.string(), label: z.string() })),
});
export type JobView = z.infer<typeof JobView>;

export const ResultView = z.object({
  jobId: z.string(),
  requestId: z.string(),
  path: z.string(),
  name: z.string(),
  thumb: z.string(),
  prompt: z.string(),
  /** The size that was asked for, as the model spells it. */
  size: z.optional(z.string()),
  /** The saved file's own pixel size, when it could be read. */
  width: z.optional(z.number()),
  height: z.optional(z.number()),
  scale: z.optional(z.number()),
  forceSingle: z.optional(z.boolean()),
  savedAt: z.optional(z.number()),
  /** The first input, when it is a local file the panel can show, for the before/after comparison. */
  before: z.optional(z.object({ label: z.string(), thumb: z.string() })),
});
export type ResultView = z.infer<typeof ResultView>;

export const SizeChoice = z.object({ value: z.string(), label: z.string() });

/** What RunComfy has charged, today and this month (local calendar), in USD. */
export const SpendingView = z.object({ today: z.number(), month: z.number() });
export type SpendingView = z.infer<typeof SpendingView>;

/** A saved preset as the panel lists it: what applying it puts in the draft, in words. */
export const PresetView = z.object({
  id: z.string(),
  name: z.string(),
  prompt: z.string(),
  /** Size, scale and single output, in words. */
  options: z.string(),
  /** The reference images' names, in order. */
  images: z.array(z.string()),
});
export type PresetView = z.infer<typeof PresetView>;

/** Recent prompts (newest first) and saved presets, shared by every panel and synced by Settings Sync. */
export const LibraryView = z.object({ history: z.array(z.string()), presets: z.array(PresetView) });
export type LibraryView = z.infer<typeof LibraryView>;

/** Base64 of one image file of at most 15 MB. */
const ImageBytes = z.string().check(z.maxLength(21_000_000));

export const PanelState = z.object({
  draft: DraftView,
  jobs: z.array(JobView),
  spending: z.optional(SpendingView),
  results: z.array(ResultView),
  hasToken: z.boolean(),
  price: z.optional(z.string()),
  sizes: z.array(SizeChoice),
  limits: z.object({ maxImages: z.number(), maxPromptLength: z.number() }),
  /** Which section the panel showed last, so a reload lands where the user was. */
  view: z.optional(z.enum(['compose', 'jobs', 'results'])),
  /** A submit from this panel is being prepared or sent: Submit stays disabled until the host says otherwise. */
  submitting: z.optional(z.boolean()),
  library: z.optional(LibraryView),
});
export type PanelState = z.infer<typeof PanelState>;

// ---- host → panel ----

// Both unions are built when first used: the panel's page parses no message before its first paint, and never one of
// its own.

export const ToWebview = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('state'), state: PanelState }),
    z.object({ type: z.literal('draft'), draft: DraftView }),
    z.object({ type: z.literal('jobs'), jobs: z.array(JobView), spending: z.optional(SpendingView) }),
    z.object({ type: z.literal('results'), results: z.array(ResultView) }),
    z.object({ type: z.literal('token'), hasToken: z.boolean() }),
    z.object({ type: z.literal('price'), price: z.optional(z.string()) }),
    z.object({ type: z.literal('library'), library: LibraryView }),
    z.object({ type: z.literal('submitted'), requestId: z.string() }),
    z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning', 'error']), message: z.string() }),
    z.object({ type: z.literal('showView'), view: z.enum(['compose', 'jobs', 'results']) }),
    /** Whether a submit from this panel is in flight; `false` is the host's answer to every submit and confirmed run-again. */
    z.object({ type: z.literal('busy'), submitting: z.boolean() }),
    /** Run again costs money: what would be sent, and its price, for the panel to ask about before anything is sent. */
    z.object({
      type: z.literal('confirmRunAgain'),
      token: z.string(),
      inputs: z.array(z.string()),
      prompt: z.string(),
      options: z.string(),
      price: z.optional(z.string()),
    }),
  ]),
);
export type ToWebview = z.infer<typeof ToWebview>;

// ---- panel → host ----

export const FromWebview = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('ready') }),
    /** Opens the host's picker (workspace images or a file dialog). */
    z.object({ type: z.literal('pickImages') }),
    z.object({ type: z.literal('addUrls'), urls: z.array(z.string()).check(z.maxLength(20)) }),
    /** Files dropped from the Explorer or the OS, as URIs or paths (text/uri-list). */
    z.object({ type: z.literal('dropFiles'), uris: z.array(z.string()).check(z.maxLength(50)) }),
    /** Image bytes pasted from the clipboard (PNG) or dropped from outside VS Code: saved under the output folder's inputs/. */
    z.object({
      type: z.literal('importImages'),
      source: z.enum(['paste', 'drop']),
      images: z.array(z.object({ name: z.optional(z.string().check(z.maxLength(255))), data: ImageBytes })).check(z.minLength(1), z.maxLength(10)),
    }),
    z.object({ type: z.literal('removeImage'), id: z.string() }),
    z.object({ type: z.literal('moveImage'), id: z.string(), to: z.number().check(z.int(), z.gte(0)) }),
    /** Pad or Crop one image whose aspect ratio is out of range; sent with the submit. */
    z.object({ type: z.literal('chooseFit'), id: z.string(), fit: z.enum(['pad', 'crop']) }),
    z.object({
      type: z.literal('updateDraft'),
      prompt: z.optional(z.string().check(z.maxLength(10_000))),
      size: z.optional(z.string()),
      scale: z.optional(z.number().check(z.gte(0), z.lte(1))),
      forceSingle: z.optional(z.boolean()),
      /** Numbers the panel's edits, so it can tell a draft written before the host saw an edit from a later one. */
      seq: z.optional(z.number().check(z.int(), z.gte(0))),
    }),
    z.object({ type: z.literal('submit') }),
    z.object({ type: z.literal('setToken') }),
    z.object({ type: z.literal('cancelJob'), jobId: z.string() }),
    z.object({ type: z.literal('copyRequestId'), jobId: z.string() }),
    z.object({ type: z.literal('retryDownload'), jobId: z.string() }),
    z.object({ type: z.literal('openResult'), path: z.string() }),
    z.object({ type: z.literal('revealResult'), path: z.string() }),
    z.object({ type: z.literal('useAsInput'), path: z.string() }),
    /** Puts a job's prompt, options and inputs back in the draft (`edit`), or asks to submit them again as they were. */
    z.object({ type: z.literal('runAgain'), jobId: z.string(), edit: z.boolean() }),
    /** The person agreed to the run-again question with this token; only then is it submitted. */
    z.object({ type: z.literal('confirmRunAgain'), token: z.string() }),
    z.object({ type: z.literal('viewChanged'), view: z.enum(['compose', 'jobs', 'results']) }),
    /** Saves the draft's prompt, options and images under `name` (replacing a preset of that name). */
    z.object({ type: z.literal('savePreset'), name: z.string().check(z.maxLength(200)) }),
    z.object({ type: z.literal('applyPreset'), id: z.string() }),
    z.object({ type: z.literal('deletePreset'), id: z.string() }),
  ]),
);
export type FromWebview = z.infer<typeof FromWebview>;

/** Parses a message, returning undefined (never throwing) when it does not match its direction's union. */
export function parseMessage<T>(schema: z.ZodMiniType<T>, value: unknown): { ok: true; message: T } | { ok: false; reason: string } {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}` };
}
