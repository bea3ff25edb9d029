// Gives memory back after a burst of work. V8 returns a large heap to the system only once its
// memory reducer decides the process is idle; after analysing a 20,000-line file that sometimes
// had not happened a minute later (server RSS stayed ~220 MB instead of ~150 MB). One full
// collection once the thread has been idle for a moment does it at once. It needs node's
// `--expose-gc` (SERVER_NODE_FLAGS, inherited by the engine worker); without it this does nothing.

type Collect = () => void;

function exposedGc(): Collect | undefined {
  const gc: unknown = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as Collect) : undefined;
}

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  private readonly collect = exposedGc();

  /** How long the thread must have been idle (no `busy()` call) before collecting. */
  constructor(private readonly idleMs: number) {}

  /** Work happened: collect once `idleMs` pass without more. */
  busy(): void {
    if (!this.collect) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect?.();
    }, this.idleMs);
    // Never what keeps the process alive.
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
