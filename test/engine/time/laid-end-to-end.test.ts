// Copies pair bytes by their offset in a region list laid end to end. A run of pages maps list
// offsets to addresses and back in at most three ranges each; these tests check that against the
// same list taken page by page, and that a copy of a GiB buffer stays a few runs (ttm's move of
// an 8 GiB VRAM buffer to system pages was 2 million objects and 4 s before).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PhysRegion } from '../../../server/src/engine/seam';
import { addrSpan, place, toAddresses, toOffsets, type Placed } from '../../../server/src/engine/time/laid-end-to-end';
import { applyEffect, deviceWrite, freshMemory, newCoherency, type Coherency } from '../../../server/src/engine/time/coherency';
import { normalise, queryMany, type Range } from '../../../server/src/engine/time/runmap';
import { expandRegions } from '../../../server/src/engine/regions';

const RUNS: PhysRegion[] = [
  { space: 'ram', addr: 0x10_0000, size: 0x1000, count: 9, stride: 0x3000 },
  { space: 'ram', addr: 0x80_0000, size: 0x1000, count: 7, stride: -0x2000 },
  { space: 'ram', addr: 0x90_0000, size: 0x5000 },
  { space: 'ram', addr: 0xa0_0000, size: 0x1000, count: 4, stride: 0x1000 },
];

/** The list's pages one by one: address range and list offset of each. */
function pages(p: Placed): { addr: number; off: number }[] {
  return Array.from({ length: p.n }, (_, i) => ({ addr: p.region.addr + i * p.stride, off: i * p.size }));
}

function clip(ranges: readonly Range[], within: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const r of ranges) for (const w of within) if (Math.max(r.start, w.start) < Math.min(r.end, w.end)) out.push({ start: Math.max(r.start, w.start), end: Math.min(r.end, w.end) });
  return normalise(out);
}

test('list offsets map to the addresses of the pages they lie on, holes between pages aside', () => {
  let checked = 0;
  for (const p of place(RUNS)) {
    const ps = pages(p);
    const pageRanges = ps.map((q) => ({ start: q.addr, end: q.addr + p.size }));
    const len = p.n * p.size;
    for (let lo = 0; lo < len; lo += 0x700) {
      for (let hi = lo + 1; hi <= len; hi += 0x500) {
        const expected = normalise(ps.flatMap((q) => (Math.max(lo, q.off) < Math.min(hi, q.off + p.size) ? [{ start: q.addr + Math.max(lo, q.off) - q.off, end: q.addr + Math.min(hi, q.off + p.size) - q.off }] : [])));
        const got = toAddresses(p, lo, hi);
        assert.ok(got.length <= 3);
        assert.deepEqual(clip(got, pageRanges), expected, `run at ${p.region.addr.toString(16)} [${lo}, ${hi})`);
        checked++;
      }
    }
  }
  assert.ok(checked > 500, `${checked} ranges checked`);
});

test('addresses map back to the list offsets of the bytes they cover', () => {
  let checked = 0;
  for (const p of place(RUNS)) {
    const span = addrSpan(p);
    for (let start = span.start - 0x800; start < span.end; start += 0x900) {
      for (let end = start + 1; end <= span.end + 0x800; end += 0xb00) {
        const expected = normalise(
          pages(p).flatMap((q) => (Math.max(start, q.addr) < Math.min(end, q.addr + p.size) ? [{ start: q.off + Math.max(start, q.addr) - q.addr, end: q.off + Math.min(end, q.addr + p.size) - q.addr }] : [])),
        );
        const got = toOffsets(p, start, end);
        assert.ok(got.length <= 3);
        assert.deepEqual(normalise(got), expected, `run at ${p.region.addr.toString(16)} [${start.toString(16)}, ${end.toString(16)})`);
        checked++;
      }
    }
  }
  assert.ok(checked > 500, `${checked} ranges checked`);
});

/** What each page of `regions` holds in memory, page by page. */
function versions(c: Coherency, regions: readonly PhysRegion[]): number[][] {
  return expandRegions(regions).map((r) => queryMany(c.spaces[r.space === 'bar' ? `bar:${r.owner}` : 'ram'].mem, [{ start: r.addr, end: r.addr + r.size }], 0).map((x) => x.value));
}

test('a copy onto a run of pages puts in each page what a page-by-page copy puts there', () => {
  const from: PhysRegion[] = [{ space: 'bar', owner: 'gpu.vram', addr: 0, size: 64 * 0x1000 }];
  const to: PhysRegion[] = [
    { space: 'ram', addr: 0x80_0000, size: 0x1000, count: 40, stride: -0x2000 },
    { space: 'ram', addr: 0x40_0000, size: 0x1000, count: 24, stride: 0x2000 },
  ];
  const copyWith = (target: readonly PhysRegion[]) => {
    const c = newCoherency('arm64');
    freshMemory(c, from);
    freshMemory(c, target);
    // Data written in pieces that do not line up with pages.
    deviceWrite(c, { regions: [{ space: 'bar', owner: 'gpu.vram', addr: 0x1800, size: 0x5000 }], coherent: true });
    deviceWrite(c, { regions: [{ space: 'bar', owner: 'gpu.vram', addr: 40 * 0x1000 - 0x10, size: 0x20 }], coherent: true });
    applyEffect(c, { kind: 'copy', from, to: target });
    return c;
  };
  const byRun = copyWith(to);
  const byPage = copyWith(expandRegions(to));
  assert.deepEqual(versions(byRun, to), versions(byPage, to));
  assert.ok(versions(byRun, to).some((v) => v.length > 1), 'some page holds two versions');
});

test('an 8 GiB copy onto 2,097,152 scattered pages is a few runs', () => {
  const c = newCoherency('arm64');
  const from: PhysRegion[] = [{ space: 'bar', owner: 'gpu.vram', addr: 0, size: 8 * 2 ** 30 }];
  const to: PhysRegion[] = [{ space: 'ram', addr: 0x20_0000_0000, size: 0x1000, count: 2 ** 21, stride: -0x2000 }];
  freshMemory(c, from);
  const v = deviceWrite(c, { regions: from, coherent: true }).version;
  applyEffect(c, { kind: 'copy', from, to });
  assert.ok(c.spaces.ram.mem.runs.length <= 3, `${c.spaces.ram.mem.runs.length} runs`);
  const last = { start: 0x20_0000_0000 - (2 ** 21 - 1) * 0x2000, end: 0x20_0000_0000 - (2 ** 21 - 1) * 0x2000 + 0x1000 };
  assert.deepEqual(queryMany(c.spaces.ram.mem, [last], 0).map((r) => r.value), [v], 'the last page has the copied version');
});
