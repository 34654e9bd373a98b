// How a feature registers what VS Code calls on (commands, panel serializers, chat tools): through the stand-ins the activation entry put in place.
import type * as vscode from 'vscode';
import type { CommandHandler } from '../commands/context';

export interface Contributions {
  registerCommand(id: string, handler: CommandHandler): vscode.Disposable;
  registerWebviewPanelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable;
  registerTool<T>(name: string, tool: vscode.LanguageModelTool<T>): vscode.Disposable;
}
