// The inspector's pages of a long list, against what the engine reports for a 1 GiB GEM buffer
// (262,144 page entries kept as runs): the first page is the snapshot's own 64 entries, any later
// page is built from the runs alone and equals the list expanded in full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../server/src/engine/simulate';
import { bindProgram, type FileHost } from '../../server/src/language/program';
import { asPaged, pageOf, pagedKey, type Paged } from '../../server/src/common/paged';
import { PAGE_SIZE, isPaged, listPage, pageOfEntry, shownKeys } from '../../client/src/webview/pages';

const SCENARIO = `platform hw {
  arch arm64
  kernel 6.18
  ram 8GiB at 0x8000_0000
  iommu smmu { page_sizes 4KiB 2MiB 1GiB }
  device gpu2 {
    bus platform
    coherent yes
    iommu smmu group g_gpu2
    max_segment 4GiB
    exporter gem
  }
  device isp {
    bus platform
    coherent no
    iommu smmu group g_isp
    max_segment 4GiB
  }
}
scenario gem_1g on hw {
  b = export gpu2 system 1GiB
  a = attach b isp
  t = map_unlocked a bidirectional
  unmap_unlocked t
  detach a
  put b
}
`;

const host: FileHost = { readFile: () => undefined, realpath: (p) => p };

/** The state of `object` after the step that mapped the table (its last change up to there). */
function stateAfterMap(object: string): Record<string, unknown> {
  const program = bindProgram({ path: '/t/big.dmabuf', text: SCENARIO }, { root: '/t', host });
  const steps = simulate(program, {}).scenarios[0].trace.steps;
  const map = steps.findIndex((s) => s.call.startsWith('dma_buf_map_attachment'));
  const c = steps.slice(0, map + 1).flatMap((s) => s.changes).filter((x) => x.object === object).pop();
  assert.ok(c?.state, `no state of ${object} by the map step`);
  return c.state as Record<string, unknown>;
}

/** Every entry, one object each: what the pages must never need, done here once to check them. */
function expandAll(p: Paged): Record<string, unknown>[] {
  return pageOf(p, 0, p.total);
}

test('a mapped 1 GiB table carries its first 64 entries and its runs; the pager hides both helpers', () => {
  const m = stateAfterMap('mapping #1');
  const paged = asPaged(m[pagedKey('entries')]);
  assert.ok(paged);
  assert.equal(paged.total, 262_144);
  assert.ok(paged.runs.length <= 4, `${paged.runs.length} runs for one contiguous-IOVA table`);
  assert.equal((m.entries as unknown[]).length, 64);
  assert.equal(m.moreEntries, 262_144 - 64);
  assert.ok(isPaged(m, 'entries'));
  const keys = shownKeys(m);
  assert.ok(keys.includes('entries') && keys.includes('table'));
  assert.ok(!keys.includes('entriesPaged') && !keys.includes('moreEntries'));
});

test('page 0 is the snapshot\'s own entries; later pages equal the list expanded in full', () => {
  const m = stateAfterMap('mapping #1');
  const first = listPage(m, 'entries', 0);
  assert.ok(first);
  assert.deepEqual(first.rows.map((r) => r.entry), m.entries);
  const all = expandAll(asPaged(m.entriesPaged)!);
  for (const page of [1, 2, 1000, 4095]) {
    const p = listPage(m, 'entries', page)!;
    assert.equal(p.rows.length, PAGE_SIZE);
    assert.equal(p.rows[0].index, page * PAGE_SIZE);
    assert.deepEqual(p.rows.map((r) => r.entry), all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE));
  }
  // The kernel's own layout: page entries of 4 KiB, and the one merged DMA segment on entry 0 only.
  assert.ok(all.every((e) => e.length === 4096 && e.page === true));
  assert.equal(all[0].dmaLength, 1 << 30);
  assert.equal(all.filter((e) => typeof e.dmaLength === 'number' && e.dmaLength > 0).length, 1);
});

test('pages clamp to the list; "go to entry" finds the page holding it', () => {
  const m = stateAfterMap('mapping #1');
  const last = listPage(m, 'entries', 1e9)!;
  assert.equal(last.page, last.pages - 1);
  assert.equal(last.rows[last.rows.length - 1].index, 262_143);
  assert.equal(listPage(m, 'entries', -3)!.page, 0);
  assert.equal(pageOfEntry(0), 0);
  assert.equal(pageOfEntry(63), 0);
  assert.equal(pageOfEntry(64), 1);
  assert.equal(pageOfEntry(262_143), 4095);
});

test('a buffer\'s chunks and a domain\'s IOVA ranges page the same way', () => {
  const b = stateAfterMap('b');
  const chunks = listPage(b, 'chunks', 3)!;
  assert.equal(chunks.total, 262_144);
  assert.deepEqual(chunks.rows.map((r) => r.entry), expandAll(asPaged(b.chunksPaged)!).slice(3 * PAGE_SIZE, 4 * PAGE_SIZE));
  const domain = stateAfterMap('g_isp (default DMA domain)');
  const ranges = listPage(domain, 'mappings', 7)!;
  assert.equal(ranges.rows.length, PAGE_SIZE);
  // Consecutive IOVAs, one 4 KiB page apart, as dma-iommu maps a table's entries.
  const iovas = ranges.rows.map((r) => r.entry.iova as number);
  assert.ok(iovas.every((v, i) => i === 0 || v - iovas[i - 1] === 4096));
});

test('a short list has no runs to page, and malformed runs are refused, not drawn', () => {
  const short = { entries: [{ phys: 1, length: 4096 }] };
  assert.equal(isPaged(short, 'entries'), false);
  assert.equal(listPage(short, 'entries', 0), undefined);
  assert.deepEqual(shownKeys(short), ['entries']);
  for (const bad of [null, 3, { total: -1, runs: [] }, { total: 2, runs: [{ first: {}, count: 0 }] }, { total: 2, runs: 'x' }, { total: 2, runs: [{ first: null, count: 1 }] }]) {
    assert.equal(asPaged(bad), undefined, JSON.stringify(bad));
    assert.equal(listPage({ entries: [], entriesPaged: bad }, 'entries', 0), undefined);
  }
});
