// The pipeline model of the linear-exploration issue, made by the shared generator
// /work/shared/bench/ring-model.py (found beside the checkout, as scripts/output-snapshot.mjs
// finds it): N stages × M frames × B buffers as a .dmabuf scenario and the same model in Promela
// for SPIN, race-free or with one dropped wait (--bug). Generated at bench time, never checked in.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
export const RING_MODEL = path.join(root, '..', 'shared', 'bench', 'ring-model.py');

export interface RingModel {
  readonly name: string;
  /** The scenario's text and where it was written. */
  readonly text: string;
  readonly dmabuf: string;
  /** The Promela model's path. */
  readonly pml: string;
  /** Device jobs in the scenario: one per stage and frame. */
  readonly jobs: number;
}

/** Writes the model into a fresh folder under the system's temporary one; a string says why it could not. */
export function ringModel(stages: number, frames: number, buffers: number, bug: boolean): RingModel | string {
  if (!fs.existsSync(RING_MODEL)) return `no ${RING_MODEL}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-lab-bench-ring-'));
  const name = `ring-${stages}x${frames}x${buffers}${bug ? '-bug' : ''}`;
  const prefix = path.join(dir, name);
  const r = spawnSync('python3', [RING_MODEL, String(stages), String(frames), String(buffers), prefix, ...(bug ? ['--bug'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) return `ring-model.py failed: ${r.error?.message ?? r.stderr}`;
  const dmabuf = `${prefix}.dmabuf`;
  return { name, text: fs.readFileSync(dmabuf, 'utf8'), dmabuf, pml: `${prefix}.pml`, jobs: stages * frames };
}
