// The server's view of the `dmabuf` settings section: read through workspace/configuration when
// the client supports it (else the defaults), normalised so a bad value never breaks analysis.
import type { DmabufSettings } from './protocol';
import { DEFAULT_SETTINGS } from './protocol';

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
  return {
    debounceMs: num(r.debounceMs, DEFAULT_SETTINGS.debounceMs, 0, 10_000),
    exploration: {
      maxStates: Math.round(num(pick(exploration.maxStates, 'exploration.maxStates'), DEFAULT_SETTINGS.exploration.maxStates, 1, 10_000_000)),
      maxMillis: num(pick(exploration.maxMillis, 'exploration.maxMillis'), DEFAULT_SETTINGS.exploration.maxMillis, 1, 600_000),
    },
    kernelProfile: profile === '6.1' || profile === '6.2' ? profile : 'auto',
    trace: { server: traceServer === 'messages' || traceServer === 'verbose' ? traceServer : 'off' },
  };
}
