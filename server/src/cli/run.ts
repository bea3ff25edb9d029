// dmabuf-check as a function of its arguments and I/O, so tests run it in-process and main.ts
// only binds it to the real process. Usage errors and unreadable input print one line on stderr
// (never a stack trace) and make the exit status 2.
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../analysis';
import { nodeFileHost, type FileHost } from '../language/program';
import { parseArgs, USAGE, type CliArgs } from './args';
import { formatJson } from './json';
import { displayPath, linesOf, type FileReport } from './report';
import { rangedTrace } from '../common/edge';
import { formatSarif } from './sarif';
import { formatText } from './text';
import { formatTrace } from './trace';
import { checksOfCFile, loadCParser, needsC, runChecks, type CReport } from './c-checks';
import { findDmabufFiles } from '../cdriver/run-checks';

export { findDmabufFiles };
import type { EngineOptions, ScenarioResult } from '../engine/api';
import { runOn } from '../engine/matrix';
import type { KernelVersion } from '../language/profiles';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Main files larger than this are refused rather than analysed. */
export const MAX_MAIN_BYTES = 16 * 1024 * 1024;

export interface CliIo {
  readonly cwd: string;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly host?: FileHost;
  readonly version: string;
}

function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string') return e.code;
  return e instanceof Error ? e.message : String(e);
}

/** The budget the flags ask for, and the flags a BUDGET finding names to raise it. */
function engineOptions(args: CliArgs): EngineOptions {
  const budget = { ...(args.maxStates !== undefined ? { maxStates: args.maxStates } : {}), ...(args.maxMillis !== undefined ? { maxMillis: args.maxMillis } : {}) };
  return { budget, budgetKnobs: { states: '--max-states N, or --no-budget', time: '--max-ms N, or --no-budget' } };
}

export function runCli(argv: readonly string[], io: CliIo): number {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr(`dmabuf-check: ${parsed.error}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const args = parsed.args;
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (args.version) {
    io.stdout(`dmabuf-check ${io.version}\n`);
    return EXIT_OK;
  }
  const host = io.host ?? nodeFileHost;
  const root = path.resolve(io.cwd, args.root ?? '.');
  let status: number = EXIT_OK;
  if (!isDirectory(root)) {
    io.stderr(`dmabuf-check: --root ${args.root ?? '.'}: not a folder\n`);
    return EXIT_USAGE;
  }

  const inputs: { display: string; absolute: string }[] = [];
  const cFiles: string[] = [];
  for (const given of args.paths) {
    const absolute = path.resolve(io.cwd, given);
    if (/\.[ch]$/.test(given) && fs.existsSync(absolute)) {
      cFiles.push(absolute);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(absolute);
    } catch (e) {
      io.stderr(`dmabuf-check: ${given}: ${errorText(e) === 'ENOENT' ? 'no such file or folder' : `cannot read (${errorText(e)})`}\n`);
      status = EXIT_USAGE;
      continue;
    }
    if (st.isDirectory()) {
      for (const f of findDmabufFiles(absolute)) inputs.push({ display: path.join(given, path.relative(absolute, f)), absolute: f });
    } else {
      inputs.push({ display: given, absolute });
    }
  }

  const reports: FileReport[] = [];
  const cReports: CReport[] = [];
  for (const input of inputs) {
    const text = readMain(input.absolute, input.display, io);
    if (text === undefined) {
      status = EXIT_USAGE;
      continue;
    }
    try {
      const analysis = analyze({ path: input.absolute, text }, { root, host, ...(args.kernels ? { kernels: args.kernels } : {}), engine: engineOptions(args) });
      reports.push({ ...input, analysis });
      const c = runChecks(analysis.program, text, { cwd: io.cwd, root, host, engine: engineOptions(args) });
      cReports.push(...c.reports);
      for (const e of c.errors) {
        io.stderr(`dmabuf-check: ${e}\n`);
        status = EXIT_USAGE;
      }
    } catch (e) {
      io.stderr(`dmabuf-check: ${input.display}: internal error: ${errorText(e)}\n`);
      status = EXIT_USAGE;
    }
  }

  // A C file given on its own: checked through the `check` items that name it.
  if (cFiles.length > 0) {
    const specs = findDmabufFiles(root);
    for (const c of cFiles) {
      const r = checksOfCFile(c, specs, { cwd: io.cwd, root, host, engine: engineOptions(args) });
      cReports.push(...r.reports);
      for (const e of r.errors) {
        io.stderr(`dmabuf-check: ${e}\n`);
        status = EXIT_USAGE;
      }
    }
  }

  // Under a version matrix the trace is one profile's: the one asked for (`NAME@6.12`), else the
  // first on which the scenario has an error (engine/matrix.ts picks it), named in the output.
  let traced: { result: ScenarioResult; report: FileReport; version?: KernelVersion } | undefined;
  if (args.trace !== undefined) {
    let found: { result: ScenarioResult; report: FileReport } | undefined;
    for (const report of reports) {
      const result = report.analysis.engine.scenarios.find((s) => s.name === args.trace);
      if (result) {
        found = { result, report };
        break;
      }
    }
    if (!found) {
      io.stderr(`dmabuf-check: --trace ${args.trace}: no scenario of that name was simulated in the files checked\n`);
      status = EXIT_USAGE;
    } else if (args.traceVersion && !found.result.versions) {
      io.stderr(`dmabuf-check: --trace ${args.trace}@${args.traceVersion}: ${args.trace} is not checked under a version matrix (give --kernels, or a kernel range on its platform)\n`);
      status = EXIT_USAGE;
    } else {
      const version = found.result.versions ? (args.traceVersion ?? found.result.traceVersion) : undefined;
      const result = runOn(found.result, args.traceVersion);
      if (!result) {
        io.stderr(`dmabuf-check: --trace ${args.trace}@${args.traceVersion}: ${args.trace} runs on ${found.result.versions?.join(', ')}, not ${args.traceVersion}\n`);
        status = EXIT_USAGE;
      } else traced = { result, report: found.report, ...(version ? { version } : {}) };
    }
  }

  // The JSON trace shows each step's range: computed here, where it leaves the process.
  if (args.format === 'json') {
    const t = traced ? rangedTrace(traced.result.trace, linesOf(traced.report)) : undefined;
    io.stdout(formatJson(reports, t && traced?.version ? { ...t, kernel: traced.version } : t, cReports));
  }
  else if (args.format === 'sarif') io.stdout(formatSarif(reports, io.cwd, io.version, cReports));
  else {
    io.stdout(formatText(reports, io.cwd, cReports, args.showScenario === true));
    if (traced) {
      const t = traced;
      io.stdout(`\n${formatTrace(t.result, (file) => displayPath(file, t.report, io.cwd), linesOf(t.report), t.version, args.entries === true)}`);
    }
  }
  if (status !== EXIT_OK) return status;
  const cErrors = cReports.some((r) => r.result.findings.some((f) => f.severity === 'error'));
  return cErrors || reports.some((r) => r.analysis.findings.some((f) => f.severity === 'error')) ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * Loads the C grammar when a file to check has a `check` item: runCli() is synchronous and only
 * uses a grammar already loaded (a run without `check` never loads it).
 */
export async function prepareCli(argv: readonly string[], cwd: string): Promise<void> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) return;
  const texts: string[] = [];
  for (const given of parsed.args.paths) {
    const absolute = path.resolve(cwd, given);
    if (/\.[ch]$/.test(given)) return loadCParser().then(() => undefined);
    const files = isDirectory(absolute) ? findDmabufFiles(absolute) : [absolute];
    for (const f of files) {
      try {
        texts.push(fs.readFileSync(f, 'utf8'));
      } catch {
        // runCli() reports what cannot be read.
      }
    }
  }
  if (needsC(texts)) await loadCParser();
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readMain(absolute: string, display: string, io: CliIo): string | undefined {
  try {
    const st = fs.statSync(absolute);
    if (!st.isFile()) {
      io.stderr(`dmabuf-check: ${display}: not a regular file\n`);
      return undefined;
    }
    if (st.size > MAX_MAIN_BYTES) {
      io.stderr(`dmabuf-check: ${display}: larger than ${MAX_MAIN_BYTES / (1024 * 1024)} MiB, refused\n`);
      return undefined;
    }
    return fs.readFileSync(absolute, 'utf8');
  } catch (e) {
    io.stderr(`dmabuf-check: ${display}: cannot read (${errorText(e)})\n`);
    return undefined;
  }
}
