// Stand-ins registered at activation for every contribution the manifest declares: the first call loads the composition, which registers the real handlers here, and every call is forwarded to them as is.
// The API object as is: `import * as` would have the bundle copy its hundreds of members, once per file, at load.
import vscode = require('vscode');
import type { CommandHandler } from '../commands/context';
import type { Contributions } from './contributions';
import type { StandInIds } from './manifest';

type Tool = vscode.LanguageModelTool<unknown>;

export class StandIns implements Contributions {
  private readonly commands = new Map<string, CommandHandler>();
  private readonly serializers = new Map<string, vscode.WebviewPanelSerializer>();
  private readonly tools = new Map<string, Tool>();
  private ids: StandInIds = { commands: [], webviewPanels: [], tools: [] };

  /** `load` builds the composition once (later calls do nothing); building it registers the real handlers here. */
  constructor(private readonly load: () => void) {}

  /** Registers with VS Code a stand-in for each of `ids`; nothing is loaded until one is called. */
  register(ids: StandInIds): vscode.Disposable {
    this.ids = ids;
    const registrations = [
      ...ids.commands.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => this.real(this.commands, id)(...args))),
      ...ids.webviewPanels.map((viewType) =>
        vscode.window.registerWebviewPanelSerializer(viewType, {
          deserializeWebviewPanel: (panel, state: unknown) => this.real(this.serializers, viewType).deserializeWebviewPanel(panel, state),
        }),
      ),
    ];
    // Hosts without the language model API (some editors built on VS Code) simply get no tool.
    if (typeof vscode.lm?.registerTool === 'function') {
      for (const name of ids.tools) {
        const standIn: Tool = {
          prepareInvocation: (options, token) => this.real(this.tools, name).prepareInvocation?.(options, token),
          invoke: (options, token) => this.real(this.tools, name).invoke(options, token),
        };
        registrations.push(vscode.lm.registerTool(name, standIn));
      }
    }
    return vscode.Disposable.from(...registrations);
  }

  // What the manifest does not declare has no stand-in and goes to VS Code directly.

  registerCommand(id: string, handler: CommandHandler): vscode.Disposable {
    return this.ids.commands.includes(id) ? put(this.commands, id, handler) : vscode.commands.registerCommand(id, handler);
  }

  registerWebviewPanelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable {
    return this.ids.webviewPanels.includes(viewType)
      ? put(this.serializers, viewType, serializer)
      : vscode.window.registerWebviewPanelSerializer(viewType, serializer);
  }

  registerTool<T>(name: string, tool: vscode.LanguageModelTool<T>): vscode.Disposable {
    return this.ids.tools.includes(name) ? put(this.tools, name, tool as Tool) : vscode.lm.registerTool(name, tool);
  }

  private real<T>(handlers: Map<string, T>, id: string): T {
    this.load();
    const handler = handlers.get(id);
    if (handler === undefined) throw new Error(`nothing handles ${id}`);
    return handler;
  }
}

function put<T>(handlers: Map<string, T>, id: string, handler: T): vscode.Disposable {
  if (handlers.has(id)) throw new Error(`${id} is already registered`);
  handlers.set(id, handler);
  return new vscode.Disposable(() => {
    if (handlers.get(id) === handler) handlers.delete(id);
  });
}
