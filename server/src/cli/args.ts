// Command-line arguments of dmabuf-check. Pure: no I/O, so usage errors are testable.
import { KERNEL_VERSIONS, MAINLINE, type KernelVersion } from '../language/profiles';
import { DEFAULT_BUDGET } from '../engine/api';
import { parseVersion, parseVersionList } from '../language/versionList';

export type Format = 'text' | 'json' | 'sarif';

export interface CliArgs {
  readonly format: Format;
  readonly trace?: string;
  /** `--trace NAME@VERSION`: the profile whose trace to print under a version matrix. */
  readonly traceVersion?: KernelVersion;
  /** `--kernels LIST`: every scenario runs as a version matrix over these profiles (table order). */
  readonly kernels?: readonly KernelVersion[];
  readonly root?: string;
  /** `--max-states N`, `--max-ms N`; `--no-budget` sets both to Infinity. Unset: the engine's defaults. */
  readonly maxStates?: number;
  readonly maxMillis?: number;
  /** `--entries`: the text trace lists each sg table's entries, not only its summary and segments. */
  readonly entries?: boolean;
  /** `--show-scenario`: under each finding on a C file, the scenario its path became. */
  readonly showScenario?: boolean;
  readonly paths: readonly string[];
  readonly help: boolean;
  readonly version: boolean;
}

export type ParsedArgs = { readonly ok: true; readonly args: CliArgs } | { readonly ok: false; readonly error: string };

export const USAGE = `Usage: dmabuf-check [options] PATH...

Checks .dmabuf scenario files (folders are searched recursively for *.dmabuf) against the
Linux kernel's buffer-sharing rules and prints what the kernel would do. A driver's .c file is
checked path by path through the \`check\` items of the .dmabuf files under --root that name it.

Options:
  --format text|json|sarif   output format (default: text)
  --trace SCENARIO[@KERNEL]  also print the trace of the named scenario; under a version matrix
                             on that profile (default: the first profile on which the scenario
                             has an error, else the first profile of its matrix)
  --entries                  in the trace, list each sg table's entries (default: its summary
                             and DMA segments)
  --show-scenario            under each finding on a C file (a \`check\` item), print the scenario
                             its path became
  --kernels LIST             run every scenario as a version matrix over these kernel profiles
                             (comma-separated; ranges A..B; mainline is the newest profile,
                             ${MAINLINE}) and report each finding once with the profiles it happens
                             on; overrides each platform's kernel line
  --max-states N             explore at most N states per scenario (default ${DEFAULT_BUDGET.maxStates}); the
                             default schedule always runs to its end
  --max-ms N                 explore each scenario for at most N ms (default ${DEFAULT_BUDGET.maxMillis})
  --no-budget                explore every interleaving, however long it takes
  --root DIR                 imports must stay inside DIR (default: the current directory)
  -h, --help                 show this help
  -V, --version              show the version

Exit status: 0 no error found, 1 at least one error found, 2 usage error or unreadable input.`;

const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];

export function parseArgs(argv: readonly string[]): ParsedArgs {
  let format: Format = 'text';
  let trace: string | undefined;
  let traceVersion: KernelVersion | undefined;
  let kernels: readonly KernelVersion[] | undefined;
  let root: string | undefined;
  let maxStates: number | undefined;
  let maxMillis: number | undefined;
  let help = false;
  let version = false;
  let entries = false;
  let showScenario = false;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      paths.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '-V' || arg === '--version') {
      version = true;
      continue;
    }
    if (arg === '--show-scenario') {
      showScenario = true;
      continue;
    }
    if (arg === '--entries') {
      entries = true;
      continue;
    }
    if (arg === '--no-budget') {
      maxStates = Infinity;
      maxMillis = Infinity;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--format' || name === '--trace' || name === '--root' || name === '--kernels' || name === '--max-states' || name === '--max-ms') {
      let value: string | undefined;
      if (name !== arg) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      if (value === undefined || value === '') return { ok: false, error: `${name} needs a value` };
      if (name === '--format') {
        if (!(FORMATS as readonly string[]).includes(value)) return { ok: false, error: `unknown format \`${value}\` (use text, json or sarif)` };
        format = value as Format;
      } else if (name === '--trace') {
        const at = value.lastIndexOf('@');
        if (at >= 0) {
          const v = parseVersion(value.slice(at + 1));
          if (!v || at === 0) return { ok: false, error: `--trace ${value}: write SCENARIO or SCENARIO@KERNEL with a profile of ${KERNEL_VERSIONS.join(', ')} or mainline` };
          traceVersion = v;
          trace = value.slice(0, at);
        } else trace = value;
      } else if (name === '--max-states' || name === '--max-ms') {
        const n = /^[1-9]\d*$/.test(value) ? Number(value) : NaN;
        if (!Number.isSafeInteger(n)) return { ok: false, error: `${name} ${value}: give a whole number of ${name === '--max-ms' ? 'milliseconds' : 'states'}, at least 1 (or --no-budget)` };
        if (name === '--max-states') maxStates = n;
        else maxMillis = n;
      } else if (name === '--kernels') {
        const list = parseVersionList(value);
        if (!list.ok) return { ok: false, error: `--kernels ${value}: ${list.error}` };
        kernels = list.versions;
      } else root = value;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') return { ok: false, error: `unknown option \`${arg}\`` };
    paths.push(arg);
  }
  if (!help && !version && paths.length === 0) return { ok: false, error: 'no PATH given' };
  if (trace !== undefined && format === 'sarif') return { ok: false, error: '--trace prints with --format text or json, not sarif' };
  if (entries && (trace === undefined || format !== 'text')) return { ok: false, error: '--entries lists sg entries in the text trace: give it with --trace (the JSON trace always has them)' };
  return {
    ok: true,
    args: { format, ...(trace !== undefined ? { trace } : {}), ...(traceVersion ? { traceVersion } : {}), ...(kernels ? { kernels } : {}), ...(root !== undefined ? { root } : {}), ...(maxStates !== undefined ? { maxStates } : {}), ...(maxMillis !== undefined ? { maxMillis } : {}), ...(entries ? { entries } : {}), ...(showScenario ? { showScenario } : {}), paths, help, version },
  };
}
