// The engine worker (dist/worker.js): simulates the scenarios the main thread bound and sent
// (engineSlice.ts; a large analysis arrives in pieces, the last with `more: false`) one at a time, so it can report progress between scenarios and notice a
// cancellation (the engine also polls `isCancelled` between steps). It neither parses nor binds
// (the main thread did, for this very version), and never touches LSP.
import { parentPort, workerData } from 'node:worker_threads';
import { simulateProgram } from '../pipeline';
import { IdleCollector } from '../idleCollect';
import type { EngineProgram } from '../../engine/api';
import type { AnalyzeMessage, FromWorker, MoreScenariosMessage, ToWorker, WorkerData } from './messages';
import { BUDGET_SETTINGS } from '../settings';

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

/** The analysis in progress, whose scenarios may still be arriving in pieces. */
interface Running {
  readonly msg: AnalyzeMessage;
  readonly started: number;
  /** Scenarios simulated so far, over all pieces. */
  done: number;
}

let running: Running | undefined;

function analyze(msg: AnalyzeMessage): void {
  running = { msg, started: performance.now(), done: 0 };
  simulatePiece(running, msg.program, msg.more);
}

function more(m: MoreScenariosMessage): void {
  // A piece of an analysis that already ended (it was cancelled): nothing to do.
  if (!running || running.msg.job !== m.job) return;
  simulatePiece(running, m.program, m.more);
}

/** Simulates one piece; ends the analysis after the last piece or on cancellation. */
function simulatePiece(r: Running, program: EngineProgram, more: boolean): void {
  const { msg } = r;
  const isCancelled = (): boolean => Atomics.load(cancelFlags, 0) === msg.job;
  const options = { kernel: msg.kernel, budget: msg.budget, budgetKnobs: BUDGET_SETTINGS };
  const kernels = msg.kernels;
  let cancelled = false;
  for (const scenario of program.scenarios) {
    if (isCancelled()) {
      cancelled = true;
      break;
    }
    post({ kind: 'progress', job: msg.job, uri: msg.uri, version: msg.version, done: r.done, total: msg.total, scenario: scenario.name });
    if (testDelayMs > 0 && sleepUnlessCancelled(testDelayMs, isCancelled)) {
      cancelled = true;
      break;
    }
    // One scenario object, not a name: two scenarios may share a name (a NAME error).
    const result = simulateProgram({ ...program, scenarios: [scenario] }, { ...options, isCancelled }, kernels);
    if (result.cancelled) {
      cancelled = true;
      break;
    }
    for (const s of result.scenarios) post({ kind: 'scenario', job: msg.job, uri: msg.uri, version: msg.version, result: s, findings: s.findings });
    r.done++;
  }
  if (more && !cancelled && !isCancelled()) return; // the next piece is on its way
  running = undefined;
  post({ kind: 'done', job: msg.job, uri: msg.uri, version: msg.version, cancelled: cancelled || isCancelled(), millis: performance.now() - r.started });
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
  const analysis = msg.kind === 'more' ? running?.msg : msg;
  try {
    if (msg.kind === 'more') more(msg);
    else analyze(msg);
  } catch (e) {
    running = undefined;
    const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    if (analysis) post({ kind: 'error', job: analysis.job, uri: analysis.uri, version: analysis.version, message });
  }
});
