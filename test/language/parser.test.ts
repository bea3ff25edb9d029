import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type * as A from '../../server/src/language/ast';
import { MAX_THREAD_DEPTH } from '../../server/src/language/parser';
import { firstScenario, parseText, rangeOfFinding, scenario, summary } from './helpers';

const EVERY_STATEMENT = `
  b = export gpu vram 64MiB contiguous
  h = heap cma 1MiB
  u = udmabuf 1MiB
  poll u in timeout 0
  km = kmalloc 256
  s1 = dma_map_single gpu km to_device at 0 size 128
  get b; put b; move b system; lock b; unlock b
  a = attach b nic dynamic peer2peer
  detach a; pin a; unpin a
  s = map a to_device
  s2 = map_unlocked a bidirectional
  unmap s; unmap_unlocked s2; kmap s
  d = dma_map nic h from_device skip_cpu_sync
  dma_unmap d to_device nents 2
  dma_sync d for_cpu from_device
  v = vmap b; w = vmap_unlocked b
  vunmap v; vunmap_unlocked w
  m = mmap b; munmap m
  begin_cpu b read; end_cpu b rw
  cpu write v at 0x10 size 4KiB
  submit nic read s at 0 size 4K after f1, f2 implicit signal f3
  submit gpu write iova dom 0x1000
  f = fence; signal f; wait f, f3
  resv b add f write; wait_resv b bookkeep
  sf = export_sync_file b read
  import_sync_file b sf write
  begin_signalling; end_signalling; alloc atomic
  dom = domain vtd
  attach_domain dom nic; detach_domain dom group g_nic
  arm_iommu_detach nic
  iommu_map dom 0x1000 b rw; iommu_unmap dom 0x1000 4KiB
  thread t { wait f }
`;

test('every statement form of the language parses without a finding', () => {
  const { ast, findings } = parseText(scenario(EVERY_STATEMENT));
  assert.deepEqual(summary(findings), []);
  const kinds = firstScenario(ast).body.map((s) => s.kind);
  assert.deepEqual(kinds, [
    'Export', 'Heap', 'Udmabuf', 'Poll', 'DriverMem', 'DmaMapSingle', 'Get', 'Put', 'Move', 'Lock', 'Unlock', 'Attach', 'Detach', 'Pin', 'Unpin', 'Map', 'Map',
    'Unmap', 'Unmap', 'Kmap', 'DmaMap', 'DmaUnmap', 'DmaSync', 'Vmap', 'Vmap', 'Vunmap', 'Vunmap', 'Mmap', 'Munmap',
    'BeginCpu', 'EndCpu', 'CpuAccess', 'Submit', 'Submit', 'Fence', 'Signal', 'Wait', 'ResvAdd', 'WaitResv',
    'ExportSyncFile', 'ImportSyncFile', 'BeginSignalling', 'EndSignalling', 'Alloc', 'Domain', 'AttachDomain',
    'DetachDomain', 'ArmIommuDetach', 'IommuMap', 'IommuUnmap', 'Thread',
  ]);
});

test('statement fields keep what was written', () => {
  const body = firstScenario(parseText(scenario(EVERY_STATEMENT)).ast).body;
  const exp = body[0] as A.ExportStmt;
  assert.equal(exp.name.name, 'b');
  assert.equal(exp.size.value, 64 << 20);
  assert.equal(exp.contiguous, true);
  const sub = body.find((s): s is A.SubmitStmt => s.kind === 'Submit')!;
  assert.deepEqual(sub.after.map((f) => f.name), ['f1', 'f2']);
  assert.equal(sub.implicit, true);
  assert.equal(sub.signal?.name, 'f3');
  assert.equal(sub.range?.size.value, 4096);
  const iova = body.filter((s): s is A.SubmitStmt => s.kind === 'Submit')[1];
  assert.equal(iova.target.kind, 'Iova');
  const un = body.find((s): s is A.DmaUnmapStmt => s.kind === 'DmaUnmap')!;
  assert.equal(un.dir?.value, 'to_device');
  assert.equal(un.nents?.value, 2);
  const det = body.find((s): s is A.DetachDomainStmt => s.kind === 'DetachDomain')!;
  assert.equal(det.group?.name, 'g_nic');
  const map2 = body.filter((s): s is A.MapStmt => s.kind === 'Map')[1];
  assert.equal(map2.unlocked, true);
});

test('spans: a statement spans its text, its keyword is the call word, a binding starts at the name', () => {
  const text = scenario('  s = map_unlocked a to_device   // trailing');
  const st = firstScenario(parseText(text).ast).body[0];
  assert.equal(text.slice(st.span.start, st.span.end), 's = map_unlocked a to_device');
  assert.equal(text.slice((st as A.MapStmt).keyword.start, (st as A.MapStmt).keyword.end), 'map_unlocked');
});

test('every platform and device item parses', () => {
  const { ast, findings } = parseText(`platform p extends x86_64_pc {
  arch arm64; kernel 6.1; config LOCKDEP yes; page_size 16KiB; ram 8GiB at 0x8000_0000
  iommu smmu { page_sizes 4KiB 2MiB; iova_bits 44 }
  host_bridge hb { p2p yes }
  host_bridge hb2
  switch sw under hb { acs yes }
  switch sw2 under sw
  device d {
    bus pci sw; coherent no; dma_mask 40; max_segment 4GiB; segment_boundary 64KiB
    iommu smmu group g; bar vram 1GiB; bar regs 4KiB mmio; exporter ttm
  }
  device e { bus platform }
}`);
  assert.deepEqual(summary(findings), []);
  const p = ast.items[0] as A.PlatformDecl;
  assert.equal(p.extends?.name, 'x86_64_pc');
  assert.deepEqual(p.items.map((i) => i.kind), ['Arch', 'Kernel', 'Config', 'PageSize', 'Ram', 'Iommu', 'HostBridge', 'HostBridge', 'Switch', 'Switch', 'Device', 'Device']);
  const dev = p.items[10] as A.DeviceDecl;
  assert.deepEqual(dev.items.map((i) => i.kind), ['BusPci', 'Coherent', 'DmaMask', 'MaxSegment', 'SegmentBoundary', 'DeviceIommu', 'Bar', 'Bar', 'Exporter']);
  assert.equal((dev.items[7] as A.BarDecl).mmio, true);
  assert.deepEqual((p.items[5] as A.IommuDecl).pageSizes?.map((n) => n.value), [4096, 2 << 20]);
});

test('keywords are names where a name is expected: a buffer may be called `map`', () => {
  const { ast, findings } = parseText(scenario('map = heap system 4KiB\nput map\nwait = fence\nsignal wait'));
  assert.deepEqual(summary(findings), []);
  assert.deepEqual(firstScenario(ast).body.map((s) => s.kind), ['Heap', 'Put', 'Fence', 'Signal']);
});

test('several errors in one file: each reported, the statements between still parsed', () => {
  const { ast, findings } = parseText(scenario('b = heap system 4K\nx = map a upward\nf = fence\nwait\nsignal f\nget b extra\nput b'));
  assert.deepEqual(
    summary(findings),
    [
      '3:SYNTAX expected `to_device`, `from_device` or `bidirectional` for the direction, found `upward`',
      '5:SYNTAX expected a fence after `wait`, found the end of the line',
      '7:SYNTAX expected the end of the `get` statement (a newline or `;`), found `extra`',
    ],
  );
  assert.deepEqual(firstScenario(ast).body.map((s) => s.kind), ['Heap', 'Error', 'Fence', 'Error', 'Signal', 'Error', 'Put']);
  const err = firstScenario(ast).body[1] as A.ErrorStmt;
  assert.equal(err.binds?.name, 'x', 'a failed binding remembers its name so later uses do not cascade');
});

test('a `;` resyncs within a line and `}` ends a block even after an error', () => {
  const { ast, findings } = parseText('scenario s on p { get; f = fence }\nscenario t on p { }');
  assert.equal(findings.length, 1);
  assert.equal(ast.items.length, 2);
  assert.deepEqual(firstScenario(ast).body.map((s) => s.kind), ['Error', 'Fence']);
});

test('an unclosed block is reported at its opening brace and the next scenario is still read', () => {
  const text = 'scenario a on p {\n  f = fence\nscenario b on p {\n  g = fence\n}\n';
  const { ast, findings } = parseText(text);
  assert.equal(findings.length, 1);
  assert.match(findings[0].message, /unclosed block: the `\{` of scenario `a`/);
  assert.deepEqual(rangeOfFinding(findings[0]).start, { line: 0, character: 16 });
  assert.deepEqual(ast.items.map((i) => (i as A.ScenarioDecl).name.name), ['a', 'b']);
  const eof = parseText('platform p {\n  arch arm64\n');
  assert.match(eof.findings[0].message, /before the end of the file/);
});

test('binding forms are checked: a value-producing call needs a name, others must not have one', () => {
  assert.match(parseText(scenario('map a to_device')).findings[0].message, /`map` produces a value: write `NAME = map/);
  assert.match(parseText(scenario('x = put b')).findings[0].message, /`put` does not produce a value/);
});

test('top-level junk and stray braces are reported and skipped', () => {
  const { ast, findings } = parseText('}\nhello world { nested { } }\nscenario s on p { }');
  assert.deepEqual(summary(findings).map((s) => s.split(' ')[0]), ['1:SYNTAX', '2:SYNTAX']);
  assert.equal(ast.items.length, 1);
});

test('finding ranges are 0-based line/character (computed from the offsets at the edge)', () => {
  const { findings } = parseText('scenario s on p {\n  get 42\n}');
  assert.deepEqual(findings[0].location.span, { start: 24, end: 26 });
  assert.deepEqual(rangeOfFinding(findings[0]), { start: { line: 1, character: 6 }, end: { line: 1, character: 8 } });
  assert.equal(findings[0].code, 'SYNTAX');
  assert.equal(findings[0].severity, 'error');
});

test('unsupported versions, unknown configs and out-of-grammar words say what is allowed', () => {
  const { findings } = parseText('platform p {\n kernel 5.10\n config FOO yes\n arch vax\n}');
  assert.deepEqual(summary(findings), [
    '2:SYNTAX unsupported kernel version `5.10`: the rule profiles are `6.1`, `6.2`, `6.6`, `6.12`, `6.18`, `6.19`, `7.0`, `7.1` or `mainline`',
    '3:SYNTAX expected `DMA_API_DEBUG`, `DMABUF_DEBUG`, `DMABUF_MOVE_NOTIFY`, `LOCKDEP`, `ARM_DMA_USE_IOMMU`, `SWIOTLB` or `IOMMU_DEFAULT_DMA_LAZY` after `config`, found `FOO`',
    '4:SYNTAX expected `x86_64`, `arm64`, `arm32` or `riscv64` after `arch`, found `vax`',
  ]);
});

test('plain integers refuse units where the grammar takes a count or an address', () => {
  const { findings } = parseText('platform p { device d { dma_mask 32KiB } }');
  assert.match(findings[0].message, /plain integer, without a unit/);
});

test(`thread nesting deeper than ${MAX_THREAD_DEPTH} is a SYNTAX error, not a crash`, () => {
  const depth = MAX_THREAD_DEPTH + 8;
  const text = scenario(`${'thread t {\n'.repeat(depth)}f = fence\n${'}\n'.repeat(depth)}g = fence`);
  const { ast, findings } = parseText(text);
  assert.equal(findings.length, 1);
  assert.match(findings[0].message, /nested too deeply/);
  assert.equal(rangeOfFinding(findings[0]).start.line, MAX_THREAD_DEPTH + 1);
  assert.equal(firstScenario(ast).body.at(-1)?.kind, 'Fence', 'the statement after the deep block is still read');
});

test('pathological input: 100,000 nested braces and a 1 MB line do not crash', () => {
  const braces = parseText(`scenario s on p ${'{'.repeat(100_000)}`);
  assert.ok(braces.findings.length >= 1);
  const long = parseText(`scenario s on p { ${'x '.repeat(500_000)} }`);
  assert.equal(long.findings.length, 1);
});

test('a 20,000-line file parses (time printed as a diagnostic, not asserted)', (t) => {
  const lines = ['scenario big on x86_64_pc {'];
  for (let i = 0; i < 20_000 / 2; i++) lines.push(`  f${i} = fence`, `  signal f${i}`);
  lines.push('}');
  const text = lines.join('\n');
  const start = performance.now();
  const { ast, findings } = parseText(text);
  const ms = performance.now() - start;
  t.diagnostic(`parse of ${lines.length} lines (${text.length} chars): ${ms.toFixed(1)} ms`);
  assert.equal(findings.length, 0);
  assert.equal(firstScenario(ast).body.length, 20_000);
});

test('never throws and keeps every finding inside the text, whatever the input', () => {
  const words = ['scenario', 'platform', 'import', 'thread', 'on', '{', '}', '=', ';', ',', '\n', 'map', 'x', '0x1', '4KiB', '6.1', '"a', '/*', '//', '@', '\u0000', 'submit', 'at', 'size'];
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(fc.constantFrom(...words), { maxLength: 80 }).map((w) => w.join(' '))), (text) => {
      const { findings } = parseText(text);
      for (const f of findings) {
        assert.ok(f.location.span.start >= 0 && f.location.span.end <= text.length && f.location.span.start <= f.location.span.end);
      }
    }),
    { numRuns: 400 },
  );
});

test('binary garbage gives SYNTAX findings, not a crash or a finding per byte', () => {
  let seed = 7;
  const bytes = Array.from({ length: 50_000 }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return String.fromCharCode(seed & 0xff);
  }).join('');
  const { findings } = parseText(bytes);
  assert.ok(findings.length > 0);
  assert.ok(findings.every((f) => f.code === 'SYNTAX'));
});

test('kernel takes a range A..B of profiles; `mainline` may end it; a reversed range names the order', () => {
  const item = (text: string): A.KernelItem => {
    const { ast, findings } = parseText(`platform p { ${text} }`);
    assert.deepEqual(summary(findings), []);
    const p = ast.items[0] as A.PlatformDecl;
    return p.items[0] as A.KernelItem;
  };
  const range = item('kernel 6.1..7.1');
  assert.equal(range.version.value, '6.1');
  assert.equal(range.last?.value, '7.1');
  assert.equal(item('kernel 6.12..mainline').last?.value, '7.1');
  assert.equal(item('kernel 6.18').last, undefined);
  assert.deepEqual(summary(parseText('platform p {\n kernel 7.1..6.1\n}').findings), [
    '2:SYNTAX reversed kernel range `7.1..6.1`: a range goes from the older profile to the newer: `6.1` < `6.2` < `6.6` < `6.12` < `6.18` < `6.19` < `7.0` < `7.1` (`mainline` is `7.1`)',
  ]);
  assert.match(summary(parseText('platform p {\n kernel 6.1..6.3\n}').findings)[0], /^2:SYNTAX unsupported kernel version `6.3`: the rule profiles are `6.1`/);
  assert.match(summary(parseText('platform p {\n kernel 6.1..\n}').findings)[0], /^2:SYNTAX expected a kernel version .* after `\.\.`, found the end of the line/);
});
