// The C-check worker (dist/c-worker.js): runs the `check` items that name a C document, on the
// editor's text of the C file and of every open .dmabuf file (the disk's for the others). It
// parses C with the tree-sitter grammar it loads once, finds the .dmabuf files of the workspace
// folders, and answers one job at a time; it never touches LSP.
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { loadCParser } from '../../cdriver/c-syntax';
import { checksOfCFile, findDmabufFiles } from '../../cdriver/run-checks';
import { nodeFileHost, type FileHost } from '../../language/program';
import { BUDGET_SETTINGS } from '../settings';
import type { CheckCMessage, CWorkerReport, FromCWorker, ToCWorker } from './messages';

const port = parentPort;
if (!port) throw new Error('dmabuf C worker: must run in a worker thread');

const post = (m: FromCWorker): void => port!.postMessage(m);

async function check(msg: CheckCMessage): Promise<void> {
  await loadCParser();
  const open = new Map(Object.entries(msg.open));
  const read = (file: string): string | undefined => (file === msg.cFile ? msg.cText : open.get(file) ?? nodeFileHost.readFile(file));
  const host: FileHost = { ...nodeFileHost, readFile: read };
  // The folder that holds the C file is its root; .dmabuf files anywhere in it may name it.
  const root = msg.roots.filter((r) => !path.relative(r, msg.cFile).startsWith('..')).sort((a, b) => b.length - a.length)[0] ?? path.dirname(msg.cFile);
  const files = [...new Set([...findDmabufFiles(root), ...[...open.keys()].filter((f) => !path.relative(root, f).startsWith('..'))])].sort();
  const engine = { budget: msg.budget, ...(msg.kernel ? { kernel: msg.kernel } : {}), budgetKnobs: BUDGET_SETTINGS };
  const r = checksOfCFile(msg.cFile, files, { cwd: root, root, host, engine, read });
  const reports: CWorkerReport[] = r.reports.map((rep) => ({ dmabuf: rep.dmabuf, checkRange: rep.checkRange, result: rep.result, prelude: rep.prelude }));
  // A C file no check names is simply not checked: nothing to log at every keystroke.
  post({ kind: 'checked', job: msg.job, reports, errors: r.named ? r.errors : [] });
}

port.on('message', (msg: ToCWorker) => {
  check(msg).catch((e: unknown) => post({ kind: 'failed', job: msg.job, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
