// `$/progress` for long analyses: an analysis that is still running 500 ms after the engine
// started it gets a cancellable work-done progress (scenario i of n); cancelling it from the
// client cancels the analysis. Short analyses show nothing.
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { EngineHost, Logger } from './engineHost';
import type { ProgressMessage } from './worker/messages';

export const PROGRESS_DELAY_MS = 500;

interface Tracked {
  readonly uri: string;
  timer?: NodeJS.Timeout;
  reporter?: WorkDoneProgressServerReporter;
  last?: ProgressMessage;
  done: boolean;
  cancelledByUser: boolean;
}

export class ProgressTracker {
  private readonly jobs = new Map<number, Tracked>();
  private readonly cancelled = new Set<number>();

  constructor(
    private readonly connection: Connection,
    private readonly engine: EngineHost,
    private readonly log: Logger,
  ) {}

  started(job: number, uri: string): void {
    this.jobs.set(job, { uri, done: false, cancelledByUser: false });
  }

  /** The worker reports progress; the first report starts the 500 ms clock. */
  report(job: number, uri: string, p: ProgressMessage): void {
    const t = this.jobs.get(job) ?? { uri, done: false, cancelledByUser: false };
    this.jobs.set(job, t);
    t.last = p;
    if (!t.timer && !t.reporter) t.timer = setTimeout(() => void this.begin(job, t), PROGRESS_DELAY_MS);
    t.reporter?.report(percent(p), message(p));
  }

  finished(job: number): void {
    const t = this.jobs.get(job);
    this.jobs.delete(job);
    if (!t) return;
    t.done = true;
    clearTimeout(t.timer);
    t.reporter?.done();
  }

  wasCancelledByUser(job: number): boolean {
    const was = this.cancelled.has(job);
    this.cancelled.delete(job);
    return was;
  }

  private async begin(job: number, t: Tracked): Promise<void> {
    t.timer = undefined;
    if (t.done) return;
    try {
      const reporter = await this.connection.window.createWorkDoneProgress();
      if (t.done) {
        reporter.done();
        return;
      }
      t.reporter = reporter;
      reporter.token.onCancellationRequested(() => {
        this.cancelled.add(job);
        this.engine.cancelJob(job);
      });
      const name = t.uri.slice(t.uri.lastIndexOf('/') + 1);
      reporter.begin(`DMA-BUF Lab: simulating ${decodeURIComponent(name)}`, t.last ? percent(t.last) : 0, t.last ? message(t.last) : undefined, true);
    } catch (e) {
      this.log.warn(`could not create a progress report: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function percent(p: ProgressMessage): number {
  return p.total === 0 ? 0 : Math.round((100 * p.done) / p.total);
}

function message(p: ProgressMessage): string {
  return `scenario ${Math.min(p.done + 1, p.total)} of ${p.total}${p.scenario ? `: ${p.scenario}` : ''}`;
}
