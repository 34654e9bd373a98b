// What the manifest contributes that must answer from the moment the extension is active: commands, restorable panels, chat tools.

/** The ids VS Code may call on as soon as the extension is active, read from package.json. */
export interface StandInIds {
  /** contributes.commands */
  commands: string[];
  /** The view types of `onWebviewPanel:` activation events: panels VS Code restores after a reload. */
  webviewPanels: string[];
  /** contributes.languageModelTools */
  tools: string[];
}

interface ManifestShape {
  activationEvents?: unknown;
  contributes?: { commands?: unknown; languageModelTools?: unknown };
}

const PANEL_EVENT = 'onWebviewPanel:';

function field(list: unknown, key: string): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((item: unknown) => (item && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined))
    .filter((v) => typeof v === 'string');
}

export function standInIdsOf(packageJSON: unknown): StandInIds {
  const manifest = (packageJSON ?? {}) as ManifestShape;
  const events = Array.isArray(manifest.activationEvents) ? manifest.activationEvents.filter((e) => typeof e === 'string') : [];
  return {
    commands: field(manifest.contributes?.commands, 'command'),
    webviewPanels: events.filter((e) => e.startsWith(PANEL_EVENT)).map((e) => e.slice(PANEL_EVENT.length)),
    tools: field(manifest.contributes?.languageModelTools, 'name'),
  };
}
