// The server's view of the `dmabuf` settings section: read through workspace/configuration when
// the client supports it (else the defaults), normalised so a bad value never breaks analysis.
import type { DmabufSettings } from './protocol';
import { DEFAULT_SETTINGS } from './protocol';
import type { KernelVersion } from '../language/profiles';
import { parseVersionList } from '../language/versionList';

/** `dmabuf.kernels`: an array of profiles or a string like `6.1,6.18,7.1` (ranges A..B too). */
function kernelList(v: unknown): readonly KernelVersion[] | undefined {
  const text = typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(',') : undefined;
  if (text === undefined || text.trim() === '') return undefined;
  const list = parseVersionList(text);
  return list.ok ? list.versions : undefined;
}

function num(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Accepts the section as the client sends it: nested objects, or flat dotted keys. */
export function normaliseSettings(raw: unknown): DmabufSettings {
  const r = obj(raw);
  const exploration = obj(r.exploration);
  const trace = obj(r.trace);
  const pick = (nested: unknown, dotted: string): unknown => nested ?? r[dotted];
  const profile = r.kernelProfile;
  const traceServer = pick(trace.server, 'trace.server');
  const kernels = kernelList(r.kernels);
  return {
    debounceMs: num(r.debounceMs, DEFAULT_SETTINGS.debounceMs, 0, 10_000),
    exploration: {
      maxStates: Math.round(num(pick(exploration.maxStates, 'exploration.maxStates'), DEFAULT_SETTINGS.exploration.maxStates, 1, 10_000_000)),
      maxMillis: num(pick(exploration.maxMillis, 'exploration.maxMillis'), DEFAULT_SETTINGS.exploration.maxMillis, 1, 600_000),
    },
    kernelProfile: profile === '6.1' || profile === '6.2' ? profile : 'auto',
    ...(kernels ? { kernels } : {}),
    trace: { server: traceServer === 'messages' || traceServer === 'verbose' ? traceServer : 'off' },
  };
}
