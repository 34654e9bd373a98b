// One paid submit at a time per panel: the gate the session's submit and confirmed run-again pass through.
import type { Logger } from '../common/logger';

export class SubmitGate {
  private inFlight = false;

  constructor(
    private readonly logger: Logger,
    /** Told when a submit starts and when it ends; the end is the host's answer that frees the webview's Submit. */
    private readonly busyChanged: (submitting: boolean) => void,
  ) {}

  get busy(): boolean {
    return this.inFlight;
  }

  /**
   * Runs `work` unless a submit from this panel is already on its way (a double click, a second message while a
   * large upload is still being sent): then it is dropped and logged. Taken synchronously, before any await, so two
   * messages delivered back to back cannot both pass.
   */
  async run(kind: string, work: () => Promise<void>): Promise<void> {
    if (this.inFlight) return this.drop(kind);
    this.inFlight = true;
    this.busyChanged(true);
    try {
      await work();
    } finally {
      this.inFlight = false;
      this.busyChanged(false);
    }
  }

  drop(kind: string): void {
    this.logger.warn(`[panel] dropped ${kind}: a submit from this panel is still in flight`);
  }
}
