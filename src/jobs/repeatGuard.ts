// Notices a second identical submit moments after the first, so a person is asked before paying twice; scripts are never asked.
import type { EditOptions } from '../api/model';
import type { InputRef } from './inputChecks';

/** How long after a submit the same one again counts as a repeat ("a few seconds", plus a slow double click). */
export const REPEAT_WINDOW_MS = 10_000;

export interface SubmitContent {
  refs: readonly InputRef[];
  prompt: string;
  options: EditOptions;
  /** How local images are fitted; a different Pad or Crop choice sends different pixels. */
  fit?: { mode: string; stripMetadata?: boolean };
}

/** Same inputs in the same order (with the same Pad/Crop choices), same fitting, same prompt, same options: the same paid edit. */
export function submitFingerprint(content: SubmitContent): string {
  const refs = content.refs.map((r) => (r.kind === 'file' ? ['file', r.path, r.fit ?? null] : ['url', r.url.trim()]));
  const { size, scale, forceSingle } = content.options;
  const fit = content.fit ? [content.fit.mode, content.fit.stripMetadata ?? null] : null;
  return JSON.stringify([refs, content.prompt.trim(), size ?? null, scale ?? null, forceSingle ?? null, fit]);
}

interface Entry {
  /** Submits of this content still waiting for their answer. */
  inFlight: number;
  /** When the last one got its answer (clock ms). */
  endedAt?: number;
}

/** One per window, shared by every interactive entry point (palette, Explorer, panel, tools). */
export class RepeatGuard {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs = REPEAT_WINDOW_MS,
  ) {}

  /** Whether the same submit is still on its way, or got its answer less than the window ago. */
  isRepeat(content: SubmitContent): boolean {
    this.prune();
    const entry = this.entries.get(submitFingerprint(content));
    return !!entry && (entry.inFlight > 0 || (entry.endedAt !== undefined && this.now() - entry.endedAt < this.windowMs));
  }

  /**
   * A submit of `content` starts. Call the returned function once it ends: with `mayHaveCharged` false (a clear
   * refusal, nothing created) it is forgotten, so trying again after fixing the cause is not called a repeat.
   */
  begin(content: SubmitContent): (mayHaveCharged: boolean) => void {
    const key = submitFingerprint(content);
    const entry = this.entries.get(key) ?? { inFlight: 0 };
    entry.inFlight++;
    this.entries.set(key, entry);
    let ended = false;
    return (mayHaveCharged) => {
      if (ended) return;
      ended = true;
      entry.inFlight--;
      if (mayHaveCharged) entry.endedAt = this.now();
      if (entry.inFlight === 0 && entry.endedAt === undefined) this.entries.delete(key);
    };
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.inFlight === 0 && (entry.endedAt === undefined || now - entry.endedAt >= this.windowMs)) this.entries.delete(key);
    }
  }
}
