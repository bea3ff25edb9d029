// Small traces for the trace view's tests, built the way the engine reports them.
import type { StateChange } from '../../server/src/common/trace';
import type { TraceStep } from '../../server/src/lsp/protocol';

let nextLine = 0;

export function step(index: number, agent: string, call: string, extra: Partial<TraceStep> = {}): TraceStep {
  const line = nextLine++;
  return {
    index,
    agent,
    call,
    outcome: '0',
    ok: true,
    location: { file: '/ws/a.dmabuf', range: { start: { line, character: 2 }, end: { line, character: 11 } } },
    changes: [],
    findings: [],
    ...extra,
  };
}

export function change(object: string, kind: StateChange['kind'], summary: string, state?: Record<string, unknown>): StateChange {
  return { object, kind, summary, state };
}

/** A camera job signals `frame`; the display waits on it; the CPU maps a second time and fails. */
export function cameraTrace(): TraceStep[] {
  return [
    step(1, 'cpu', 'dma_buf_export(soc_gpu, 1MiB)', { changes: [change('buf', 'buffer', 'refcount 1', { refcount: 1, size: 1048576 })] }),
    step(2, 'cpu', 'dma_buf_attach(buf, camera)', {
      changes: [change('att', 'attachment', 'attached', { dynamic: false }), change('buf', 'buffer', 'attachments 1', { refcount: 1, size: 1048576, attachments: 1 })],
    }),
    step(3, 'cpu', 'dma_buf_map_attachment_unlocked(att, DMA_TO_DEVICE)', {
      changes: [change('sgt', 'sgt', 'mapped 1 entry', { nents: 1, entries: [{ phys: 0x2_0000_0000, dmaAddress: 0x1000, length: 1048576 }] })],
    }),
    step(4, 'cpu', 'dma_buf_map_attachment_unlocked(att, DMA_FROM_DEVICE)', { outcome: '-EBUSY', ok: false, findings: ['MAP-02'] }),
    step(5, 'cpu', 'submit(camera, read sgt)', { signals: [] }),
    step(6, 'dev:camera', 'camera reads sgt', { signals: ['frame'], changes: [change('frame', 'fence', 'signalled', { signalled: true })] }),
    step(7, 'dev:display', 'display reads sgt', { waitsOn: ['frame'] }),
    step(8, 'cpu', 'dma_fence_wait(frame)', { waitsOn: ['frame'] }),
    step(9, 'thread:t1', 'dma_buf_put(buf)', { changes: [change('buf', 'buffer', 'refcount 0', { refcount: 0, size: 1048576 })] }),
  ];
}

/** n steps over four agents, a fence every 10 steps, a change every step. */
export function longTrace(n: number): TraceStep[] {
  const agents = ['cpu', 'dev:camera', 'dev:display', 'thread:w'];
  const steps: TraceStep[] = [];
  for (let i = 1; i <= n; i++) {
    const agent = agents[i % agents.length];
    const fence = `f${Math.floor(i / 10)}`;
    steps.push(
      step(i, agent, `call_${i}(buf${i % 7})`, {
        signals: i % 10 === 0 ? [fence] : undefined,
        waitsOn: i % 10 === 5 && i > 10 ? [`f${Math.floor(i / 10) - 1}`] : undefined,
        changes: [change(`buf${i % 7}`, 'buffer', `refcount ${i}`, { refcount: i })],
        findings: i === n - 3 ? ['COH-02'] : [],
      }),
    );
  }
  return steps;
}
