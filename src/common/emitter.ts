// A minimal typed event emitter for pure code (VS Code's EventEmitter is not available outside the host).
export interface Subscription {
  dispose(): void;
}

export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): Subscription => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // A faulty listener must not stop the others or the engine that fired the event.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
