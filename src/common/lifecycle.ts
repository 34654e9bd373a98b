// Lifetimes: a Disposable base that owns what it registers and disposes it once, in reverse order.
export interface IDisposable {
  dispose(): unknown;
}

export function toDisposable(dispose: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

export abstract class Disposable implements IDisposable {
  private readonly owned: IDisposable[] = [];
  private disposedFlag = false;

  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Takes ownership; something registered after dispose() is disposed at once, so nothing outlives its owner. */
  protected _register<T extends IDisposable>(value: T): T {
    if (this.disposedFlag) {
      void value.dispose();
    } else {
      this.owned.push(value);
    }
    return value;
  }

  /** Idempotent; a failing child never stops the others from being disposed. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    for (const value of this.owned.splice(0).reverse()) {
      try {
        void value.dispose();
      } catch {
        // One faulty child must not keep the rest alive.
      }
    }
  }
}
