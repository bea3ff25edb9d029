// The engine worker (dist/worker.js): simulates the scenarios the main thread bound and sent
// (engineSlice.ts) one at a time, so it can report progress between scenarios and notice a
// cancellation (the engine also polls `isCancelled` between steps). It neither parses nor binds
// (the main thread did, for this very version), and never touches LSP.
import { parentPort, workerData } from 'node:worker_threads';
import { simulateProgram } from '../pipeline';
import { IdleCollector } from '../idleCollect';
import type { AnalyzeMessage, FromWorker, ToWorker, WorkerData } from './messages';

const port = parentPort;
if (!port) throw new Error('dmabuf worker: must run in a worker thread');
const data = workerData as WorkerData;
const cancelFlags = new Int32Array(data.cancelBuffer);

// Test hook: a per-scenario delay standing in for a long exploration, so the progress and
// cancellation paths can be tested independently of how fast the engine is.
const testDelayMs = data.testHooks ? Number(process.env.DMABUF_TEST_SCENARIO_DELAY_MS) || 0 : 0;

/** Sleeps in 5 ms slices; true when cancelled meanwhile. */
function sleepUnlessCancelled(ms: number, isCancelled: () => boolean): boolean {
  const slice = new Int32Array(new SharedArrayBuffer(4));
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (isCancelled()) return true;
    Atomics.wait(slice, 0, 0, 5);
  }
  return isCancelled();
}

function post(message: FromWorker): void {
  port!.postMessage(message);
}

function analyze(msg: AnalyzeMessage): void {
  const started = performance.now();
  const isCancelled = (): boolean => Atomics.load(cancelFlags, 0) === msg.job;
  const program = msg.program;
  const chosen = program.scenarios;
  const options = { kernel: msg.kernel, budget: msg.budget };
  let cancelled = false;
  for (let i = 0; i < chosen.length; i++) {
    if (isCancelled()) {
      cancelled = true;
      break;
    }
    post({ kind: 'progress', job: msg.job, uri: msg.uri, version: msg.version, done: i, total: chosen.length, scenario: chosen[i].name });
    if (testDelayMs > 0 && sleepUnlessCancelled(testDelayMs, isCancelled)) {
      cancelled = true;
      break;
    }
    // One scenario object, not a name: two scenarios may share a name (a NAME error).
    const r = simulateProgram({ ...program, scenarios: [chosen[i]] }, { ...options, isCancelled });
    if (r.cancelled) {
      cancelled = true;
      break;
    }
    for (const result of r.scenarios) post({ kind: 'scenario', job: msg.job, uri: msg.uri, version: msg.version, result, findings: result.findings });
  }
  post({ kind: 'done', job: msg.job, uri: msg.uri, version: msg.version, cancelled, millis: performance.now() - started });
  idle.busy();
}

// The worker's heap after a large analysis is mostly garbage: collected once it has been idle.
const idle = new IdleCollector(1000);

port.on('message', (msg: ToWorker) => {
  idle.busy();
  if (msg.kind === 'crash') {
    if (!data.testHooks) return;
    // Thrown outside any handler so it takes the worker down like an engine bug would.
    setTimeout(() => {
      throw new Error('dmabuf worker: crash requested by a test hook');
    }, 0);
    return;
  }
  try {
    analyze(msg);
  } catch (e) {
    const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    post({ kind: 'error', job: msg.job, uri: msg.uri, version: msg.version, message });
  }
});
