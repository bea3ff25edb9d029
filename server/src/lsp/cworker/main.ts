// The C-check worker (dist/c-worker.js): runs the `check` items that name a C document, on the
// editor's text of the C file and of every open .dmabuf file (the disk's for the others). It
// parses C with the tree-sitter grammar it loads once, finds the .dmabuf files of the workspace
// folders, and answers one job at a time; it never touches LSP.
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { loadCParser } from '../../cdriver/c-syntax';
import { checksOfCFile, findDmabufFiles } from '../../cdriver/run-checks';
import { bindProgram, nodeFileHost, type FileHost } from '../../language/program';
import { BUDGET_SETTINGS } from '../settings';
import { LineIndex } from '../../common/source';
import type { CheckCMessage, CWorkerReport, FromCWorker, ToCWorker } from './messages';

const port = parentPort;
if (!port) throw new Error('dmabuf C worker: must run in a worker thread');

const post = (m: FromCWorker): void => port!.postMessage(m);

async function check(msg: CheckCMessage): Promise<void> {
  const t0 = performance.now();
  await loadCParser();
  const open = new Map(Object.entries(msg.open));
  const read = (file: string): string | undefined => (file === msg.cFile ? msg.cText : open.get(file) ?? nodeFileHost.readFile(file));
  const host: FileHost = { ...nodeFileHost, readFile: read };
  // The folder that holds the C file is its root; .dmabuf files anywhere in it may name it.
  const root = msg.roots.filter((r) => !path.relative(r, msg.cFile).startsWith('..')).sort((a, b) => b.length - a.length)[0] ?? path.dirname(msg.cFile);
  const files = [...new Set([...findDmabufFiles(root), ...[...open.keys()].filter((f) => !path.relative(root, f).startsWith('..'))])].sort();
  const engine = { budget: msg.budget, ...(msg.kernel ? { kernel: msg.kernel } : {}), budgetKnobs: BUDGET_SETTINGS };
  const r = checksOfCFile(msg.cFile, files, { cwd: root, root, host, engine, read });
  const unnamed = r.reports.length === 0 && r.errors.length === 1 && r.errors[0]!.endsWith('names it');
  const reports: CWorkerReport[] = r.reports.map((rep) => {
    const text = read(rep.dmabuf) ?? '';
    return { dmabuf: rep.dmabuf, checkRange: new LineIndex(text).range(rep.checkSpan), result: rep.result, prelude: preludeOf(rep.dmabuf, text, root, host) };
  });
  post({ kind: 'checked', job: msg.job, reports, errors: unnamed ? [] : r.errors, unnamed, millis: performance.now() - t0 });
}

/** The platform items of a .dmabuf file, as its text: what a path's scenario needs to stand alone. */
function preludeOf(file: string, text: string, root: string, host: FileHost): string {
  const program = bindProgram({ path: file, text }, { root, host });
  const items = program.files.get(program.main)?.ast.items ?? [];
  return items
    .filter((i) => i.kind === 'Platform')
    .map((i) => text.slice(i.span.start, i.span.end))
    .join('\n\n');
}

port.on('message', (msg: ToCWorker) => {
  check(msg).catch((e: unknown) => post({ kind: 'failed', job: msg.job, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
