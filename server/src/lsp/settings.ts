// The server's view of the `dmabuf` settings section: read through workspace/configuration when
// the client supports it (else the defaults), normalised so a bad value never breaks analysis.
import type { DmabufSettings } from './protocol';
import { DEFAULT_SETTINGS } from './protocol';
import { DEFAULT_KERNEL, KERNEL_VERSIONS, MAINLINE, type KernelVersion } from '../language/profiles';
import { parseVersion, parseVersionList } from '../language/versionList';

/** `dmabuf.kernels`: an array of profiles or a string like `6.1,6.18,7.1` (ranges A..B too). */
function kernelList(v: unknown): readonly KernelVersion[] | undefined {
  const text = typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(',') : undefined;
  if (text === undefined || text.trim() === '') return undefined;
  const list = parseVersionList(text);
  return list.ok ? list.versions : undefined;
}

/**
 * The `dmabuf.kernelProfile` enum of package.json, derived from the profile table (a test keeps
 * package.json equal to it): `auto`, every profile, and `mainline`.
 */
export const KERNEL_PROFILE_SETTING: { readonly enum: readonly string[]; readonly enumDescriptions: readonly string[] } = {
  enum: ['auto', ...KERNEL_VERSIONS, 'mainline'],
  enumDescriptions: [
    `Use each platform's own \`kernel\` line (${DEFAULT_KERNEL} when it has none), or a scenario's own \`kernel\` clause.`,
    ...KERNEL_VERSIONS.map((v) => `Check every scenario against the Linux ${v} profile.`),
    `Check every scenario against the newest modelled profile (${MAINLINE} today).`,
  ],
};

/** A profile of the table, `mainline` as the newest; anything else is `auto`. */
function kernelProfile(v: unknown): 'auto' | KernelVersion {
  return (typeof v === 'string' && parseVersion(v)) || 'auto';
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
    kernelProfile: kernelProfile(profile),
    ...(kernels ? { kernels } : {}),
    trace: { server: traceServer === 'messages' || traceServer === 'verbose' ? traceServer : 'off' },
    checkC: r.checkC === true,
  };
}

/** The settings a BUDGET finding names, so that it says what to raise in the editor. */
export const BUDGET_SETTINGS = { states: 'the setting dmabuf.exploration.maxStates', time: 'the setting dmabuf.exploration.maxMillis' } as const;
