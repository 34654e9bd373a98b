// Remembers recent fitting outcomes, so an image the panel already fitted to show what will be sent is not decoded again on submit.
import type { FileFitOutcome } from './fitLocalFile';
import type { FitSettings } from './fitTypes';

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** A few images' worth: each fitted image is at most 6 MiB, and the panel holds at most 10. */
const MAX_ENTRIES = 12;
const MAX_BYTES = 80 * 1024 * 1024;

/** Keyed by path, fitting mode, metadata choice and the file's size and modification time: a changed file is fitted again. */
export class FitCache {
  private readonly entries = new Map<string, FileFitOutcome>();

  private static key(filePath: string, settings: FitSettings, stamp: FileStamp): string {
    return JSON.stringify([filePath, settings.mode, settings.stripMetadata, stamp.size, stamp.mtimeMs]);
  }

  get(filePath: string, settings: FitSettings, stamp: FileStamp): FileFitOutcome | undefined {
    const key = FitCache.key(filePath, settings, stamp);
    const found = this.entries.get(key);
    if (found) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(filePath: string, settings: FitSettings, stamp: FileStamp, outcome: FileFitOutcome): void {
    const key = FitCache.key(filePath, settings, stamp);
    this.entries.delete(key);
    this.entries.set(key, outcome);
    let total = 0;
    for (const entry of this.entries.values()) total += entry.ok ? entry.bytes.length : 0;
    for (const [oldKey, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && total <= MAX_BYTES) break;
      if (oldKey === key) continue;
      this.entries.delete(oldKey);
      total -= entry.ok ? entry.bytes.length : 0;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
