// A workspaceState stand-in that keeps values as JSON, as VS Code's storage does, for runtimes built by tests.
import type * as vscode from 'vscode';

export class JsonMemento implements vscode.Memento {
  private readonly values = new Map<string, string>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string): T | undefined;
  get<T>(key: string, defaultValue: T): T;
  get<T>(key: string, defaultValue?: T): T | undefined {
    const raw = this.values.get(key);
    return raw === undefined ? defaultValue : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
  }
  /** Everything stored, as one comparable string. */
  snapshot(): string {
    return JSON.stringify([...this.values.entries()].sort());
  }
}
