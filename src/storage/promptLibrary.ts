// Recent prompts and presets in globalState, synced across machines by Settings Sync; every read validates what another version or machine wrote.
import type * as vscode from 'vscode';
import type { EditOptions } from '../api/model';
import { Emitter } from '../common/emitter';
import { parsePromptHistory, rememberPrompt } from '../common/promptHistory';
import { deletePreset, parsePresets, type Preset, savePreset } from '../panel/presets';

export const PROMPT_HISTORY_KEY = 'runcomfy.promptHistory.v1';
export const PRESETS_KEY = 'runcomfy.presets.v1';

type SyncedMemento = vscode.Memento & { setKeysForSync(keys: readonly string[]): void };

export class PromptLibrary {
  private readonly changed = new Emitter<void>();
  /** Fires after the history or the presets changed (from any panel or the wizard). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: SyncedMemento,
    private readonly defaults: () => Required<EditOptions>,
  ) {
    state.setKeysForSync([PROMPT_HISTORY_KEY, PRESETS_KEY]);
  }

  /** Newest first, at most 50. */
  history(): string[] {
    return parsePromptHistory(this.state.get<unknown>(PROMPT_HISTORY_KEY));
  }

  async remember(prompt: string): Promise<void> {
    await this.state.update(PROMPT_HISTORY_KEY, rememberPrompt(this.history(), prompt));
    this.changed.fire();
  }

  presets(): Preset[] {
    return parsePresets(this.state.get<unknown>(PRESETS_KEY), this.defaults());
  }

  /** Saves (or, under a name already used, replaces) a preset; resolves to it as stored. */
  async savePreset(preset: Preset): Promise<Preset> {
    const presets = savePreset(this.presets(), preset);
    await this.state.update(PRESETS_KEY, presets);
    this.changed.fire();
    return presets[0];
  }

  async deletePreset(id: string): Promise<void> {
    await this.state.update(PRESETS_KEY, deletePreset(this.presets(), id));
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
