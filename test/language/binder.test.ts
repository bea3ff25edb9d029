import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as A from '../../server/src/language/ast';
import { builtins } from '../../server/src/language/builtins';
import { bindText, lineOfFinding, messageOf, scenario, summary } from './helpers';

const names = (text: string): string[] => summary(bindText(text).findings);

/** Each NAME case with its silent twin: the bad text reports exactly `message` on `line`. */
function nameCase(title: string, bad: string, good: string, expected: RegExp, line: number): void {
  test(`NAME: ${title}`, () => {
    const found = bindText(bad).findings;
    assert.equal(found.length, 1, summary(found).join('\n'));
    assert.equal(found[0].code, 'NAME');
    assert.match(messageOf(found[0]), expected);
    assert.equal(lineOfFinding(found[0]), line);
    assert.deepEqual(names(good), [], 'the silent twin is clean');
  });
}

nameCase('unknown name', scenario('get nobody'), scenario('nobody = heap system 4K\nget nobody'), /unknown name `nobody`: `get` needs a buffer/, 2);
nameCase('used before bound', scenario('wait f\nf = fence'), scenario('f = fence\nwait f'), /`f` is used before it is bound \(it is bound on line 3\)/, 2);
nameCase('bound twice', scenario('f = fence\nf = fence'), scenario('f = fence\ng = fence'), /`f` is bound twice in scenario `s`/, 3);
nameCase('wrong kind', scenario('f1 = fence\ns = map f1 to_device'), scenario('b = heap system 4K\na = attach b nic\ns = map a to_device'), /`f1` is a fence; `map` needs an attachment/, 3);
nameCase('a device where a buffer is needed', scenario('get gpu'), scenario('gpu = heap system 4K\nget gpu'), /`gpu` is a device of platform `x86_64_pc`; `get` needs a buffer/, 2);
nameCase('unknown device', scenario('b = heap system 4K\na = attach b tpu'), scenario('b = heap system 4K\na = attach b nic'), /platform `x86_64_pc` has no device `tpu` \(it has: gpu, igpu, nic, vdec\)/, 3);
nameCase('unknown platform', 'scenario s on pc { }', 'scenario s on x86_64_pc { }', /unknown platform `pc`/, 1);
nameCase('MEM is not a BAR of the exporter', scenario('b = export gpu vrma 4K'), scenario('b = export gpu vram 4K'), /`vrma` is not a BAR of `gpu`.*its BARs: vram, doorbell/, 2);
nameCase('move of a heap buffer to a BAR', scenario('b = heap system 4K\nmove b vram'), scenario('b = heap system 4K\nmove b system'), /comes from a heap, which has no BAR/, 3);
nameCase('names bound in a thread are not visible to main', scenario('thread t { f = fence }\nwait f'), scenario('f = fence\nthread t { wait f }\nwait f'), /`f` is bound inside thread `t`, which runs concurrently/, 3);
nameCase('a thread does not see names bound after it starts', scenario('thread t { wait f }\nf = fence'), scenario('f = fence\nthread t { wait f }'), /`f` is used before it is bound/, 2);
nameCase('unknown group', scenario('d = domain vtd\nattach_domain d group g_tpu'), scenario('d = domain vtd\nattach_domain d group g_nic'), /has no IOMMU group `g_tpu`/, 3);
nameCase('unknown IOMMU', scenario('d = domain smmu'), scenario('d = domain vtd'), /has no IOMMU `smmu`/, 2);
nameCase('submit target must be an sg table or a buffer', scenario('f = fence\nsubmit nic read f'), scenario('b = heap system 4K\nsubmit nic read b'), /`f` is a fence; `submit` needs an sg table, a buffer/, 3);
nameCase('extends an unknown platform', 'platform p extends nothing { }', 'platform p extends arm64_soc { }', /unknown platform `nothing`/, 1);
nameCase('bus pci names a device', 'platform p extends x86_64_pc { device d { bus pci gpu } }', 'platform p extends x86_64_pc { device d { bus pci sw0 } }', /`gpu` is not a switch or host bridge of platform `p` \(it is a device\)/, 1);
nameCase(
  'a group behind two IOMMUs',
  'platform p { iommu a { }; iommu b { }\n device x { iommu a group g }\n device y { iommu b group g } }',
  'platform p { iommu a { }; iommu b { }\n device x { iommu a group g }\n device y { iommu a group g } }',
  /an IOMMU group belongs to one IOMMU/,
  3,
);
nameCase('a platform named like a built-in', 'platform arm64_soc { }', 'platform my_soc extends arm64_soc { }', /`arm64_soc` is a built-in platform/, 1);

test('NAME: an extends cycle is reported at every platform on it, and nothing hangs', () => {
  const found = bindText('platform a extends b { }\nplatform b extends c { }\nplatform c extends a { }').findings;
  assert.deepEqual(found.map(lineOfFinding), [1, 2, 3]);
  assert.ok(found.every((f) => /forms a cycle/.test(f.message)));
});

test('statements with unresolved names are broken; a name they bind does not cascade', () => {
  const p = bindText(scenario('a = attach nothing nic\ns = map a to_device\nunmap s\nf = fence\nsignal f'));
  assert.equal(p.findings.length, 1, summary(p.findings).join('\n'));
  const sc = p.scenarios[0];
  assert.deepEqual(sc.body.map((s) => sc.broken.has(s)), [true, true, true, false, false]);
});

test('a statement that failed to parse is broken and its name does not cascade', () => {
  const p = bindText(scenario('s = map a sideways\nunmap s'));
  assert.deepEqual(p.findings.map((f) => f.code), ['SYNTAX']);
  assert.deepEqual(p.scenarios[0].body.map((s) => p.scenarios[0].broken.has(s)), [true, true]);
});

test('every identifier of a clean scenario resolves to a symbol of the right kind', () => {
  const p = bindText(scenario(`b = export gpu vram 64MiB
a = attach b nic dynamic peer2peer
s = map a to_device
submit nic read s signal done
wait done
d = dma_map igpu b to_device
v = vmap b
cpu read v
dom = domain vtd
attach_domain dom group g_nic
iommu_map dom 0x1000 s rw
thread t { submit nic write iova dom 0x1000 }`));
  assert.deepEqual(summary(p.findings), []);
  const sc = p.scenarios[0];
  assert.equal(sc.broken.size, 0);
  const kindOf = (s: A.Stmt, field: string): string | undefined => {
    const id = (s as unknown as Record<string, A.Ident>)[field];
    return p.refs.get(id)?.kind;
  };
  const [exp, att, map, sub] = sc.body;
  assert.equal(kindOf(exp, 'name'), 'buffer');
  assert.equal(kindOf(exp, 'dev'), 'device');
  assert.equal(kindOf(exp, 'mem'), 'bar');
  assert.equal(kindOf(att, 'buf'), 'buffer');
  assert.equal(kindOf(map, 'att'), 'attachment');
  assert.equal(p.refs.get((sub as A.SubmitStmt).signal!)?.kind, 'fence');
  assert.equal(p.refs.get((sc.body[9] as A.AttachDomainStmt).group!)?.kind, 'group');
  assert.equal(p.refs.get(sc.decl.platform)?.kind, 'platform');
  // The engine's ctx.sym(id) relies on this: every Ident in a non-broken statement has a symbol.
  const missing: string[] = [];
  let idents = 0;
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if ((node as { kind?: string }).kind === 'Ident') {
      const id = node as A.Ident;
      idents++;
      if (id.name !== 'system' && !p.refs.has(id)) missing.push(id.name);
      return;
    }
    for (const v of Object.values(node)) visit(v);
  };
  sc.body.forEach(visit);
  assert.ok(idents > 20, `only ${idents} identifiers visited: the walk is broken`);
  assert.deepEqual(missing, []);
  const ids = p.symbols.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, 'symbol ids are unique');
});

test('names share one namespace per scenario; scenarios do not see each other', () => {
  assert.deepEqual(names('scenario a on x86_64_pc { f = fence }\nscenario b on x86_64_pc { f = fence; wait f }'), []);
  assert.match(names(scenario('thread t { f = fence }\nf = fence'))[0], /bound twice/);
});

test('built-in platforms parse and resolve without a finding', () => {
  const b = builtins();
  assert.deepEqual(b.findings.map((f) => f.message), []);
  assert.deepEqual([...b.platforms.keys()], ['x86_64_pc', 'arm64_soc', 'arm32_soc']);
  for (const f of b.files.values()) assert.ok(f.builtin && f.source.path.startsWith('builtin:/'));
  assert.equal(builtins(), b, 'cached: every program shares them');
});

test('platform defaults follow bound.ts', () => {
  const p = bindText(`platform plain { device d { bus pci hb }; host_bridge hb; iommu mmu { } }
platform arm extends plain { arch arm32; device e { max_segment 4GiB; iommu mmu group g } }`);
  assert.deepEqual(summary(p.findings), []);
  const plain = p.platforms.get('plain')!;
  assert.equal(plain.arch, 'x86_64');
  assert.equal(plain.kernel, '6.18', 'a platform without a kernel line is today\'s LTS');
  assert.equal(plain.pageSize, 4096);
  assert.deepEqual(plain.ram, { size: 4 * 2 ** 30, base: 0 });
  assert.deepEqual(plain.configs, { DMA_API_DEBUG: false, DMABUF_DEBUG: false, DMABUF_MOVE_NOTIFY: false, LOCKDEP: false, ARM_DMA_USE_IOMMU: false, SWIOTLB: true, IOMMU_DEFAULT_DMA_LAZY: true });
  const d = plain.devices.get('d')!;
  assert.equal(d.coherent, true);
  assert.equal(d.dmaMask, 64);
  assert.equal(d.maxSegment, 65536);
  assert.equal(d.segmentBoundary, 2 ** 32);
  assert.equal(d.exporter, 'none');
  assert.deepEqual(plain.iommus.get('mmu')!.pageSizes, [4096, 2 ** 21, 2 ** 30]);
  assert.equal(plain.iommus.get('mmu')!.iovaBits, 48);

  const arm = p.platforms.get('arm')!;
  assert.equal(arm.arch, 'arm32');
  assert.deepEqual(arm.ram, { size: 4 * 2 ** 30, base: 0x8000_0000 });
  assert.equal(arm.configs.ARM_DMA_USE_IOMMU, true);
  assert.equal(arm.iommus.get('mmu')!.iovaBits, 32);
  assert.equal(arm.devices.get('d')!.coherent, false, 'inherited devices take the derived platform defaults');
  const e = arm.devices.get('e')!;
  assert.deepEqual(e.bus, { kind: 'platform' });
  assert.equal(e.segmentBoundary, undefined);
  assert.equal(e.maxSegment, 0xffff_ffff, 'max_segment of 4 GiB or more is UINT_MAX');
  assert.deepEqual(arm.groups.get('g')!.devices, ['e']);
});

test('extends copies the base; a device of the same name replaces the base one', () => {
  const p = bindText('platform p extends x86_64_pc { kernel 6.1; config LOCKDEP yes; device gpu { bus pci rc; exporter gem } }');
  assert.deepEqual(summary(p.findings), []);
  const pp = p.platforms.get('p')!;
  const base = p.platforms.get('x86_64_pc')!;
  assert.equal(pp.kernel, '6.1');
  assert.equal(pp.configs.LOCKDEP, true);
  assert.equal(pp.devices.get('gpu')!.exporter, 'gem');
  assert.equal(pp.devices.get('gpu')!.bars.size, 0);
  assert.equal(pp.devices.get('nic')!.symbol, base.devices.get('nic')!.symbol, 'inherited items keep their symbol');
  assert.deepEqual(pp.groups.get('g_nic')!.devices, ['nic']);
  assert.equal(base.devices.get('gpu')!.exporter, 'ttm', 'the base is untouched');
});

test('groups gather every device that names them', () => {
  const p = bindText('platform p extends arm32_soc { device dc2 { iommu smmu group g_dc0 } }');
  assert.deepEqual(p.platforms.get('p')!.groups.get('g_dc0')!.devices, ['dc0', 'dc2']);
});

test('values out of range are reported', () => {
  assert.deepEqual(
    names('platform p { page_size 1000; device d { dma_mask 70 }; iommu m { iova_bits 8 } }').map((s) => s.split(' ')[0]),
    ['1:SYNTAX', '1:SYNTAX', '1:SYNTAX'],
  );
});

test('a kernel range gives the platform its first profile and the list of the range; extends inherits it', () => {
  const p = bindText(`platform m extends arm64_soc { kernel 6.6..mainline }
platform d extends m { config LOCKDEP yes }
platform one extends m { kernel 6.12 }`);
  assert.deepEqual(summary(p.findings), []);
  const m = p.platforms.get('m')!;
  assert.equal(m.kernel, '6.6');
  assert.deepEqual(m.kernels, ['6.6', '6.12', '6.18', '6.19', '7.0', '7.1']);
  assert.deepEqual(p.platforms.get('d')!.kernels, m.kernels);
  assert.equal(p.platforms.get('one')!.kernel, '6.12');
  assert.equal(p.platforms.get('one')!.kernels, undefined, 'a single profile overrides the inherited range');
  assert.equal(p.platforms.get('arm64_soc')!.kernels, undefined);
});

nameCase(
  'a config the profile lacks (DMABUF_MOVE_NOTIFY removed in 7.1)',
  'platform p extends x86_64_pc {\n kernel 7.1\n config DMABUF_MOVE_NOTIFY yes\n}',
  'platform p extends x86_64_pc {\n kernel 7.0\n config DMABUF_MOVE_NOTIFY yes\n}',
  /^kernel 7\.1 has no CONFIG_DMABUF_MOVE_NOTIFY: it was removed in 7\.1 by 609fc8766d68 "dma-buf: Always build with DMABUF_MOVE_NOTIFY"$/,
  3,
);
nameCase(
  'a range names its profiles that lack a config',
  'platform p extends x86_64_pc {\n kernel 6.18..mainline\n config DMABUF_MOVE_NOTIFY no\n}',
  'platform p extends x86_64_pc {\n kernel 6.18..7.0\n config DMABUF_MOVE_NOTIFY no\n}',
  /^profile 7\.1 of the range `6\.18\.\.mainline` \(mainline is 7\.1\) has no CONFIG_DMABUF_MOVE_NOTIFY/,
  3,
);
nameCase(
  'an inherited config under a profile that lacks it is reported at the kernel line',
  'platform b extends x86_64_pc { config DMABUF_MOVE_NOTIFY yes }\nplatform p extends b {\n kernel 7.1\n}',
  'platform b extends x86_64_pc { config DMABUF_MOVE_NOTIFY yes }\nplatform p extends b {\n kernel 6.19\n}',
  /^kernel 7\.1 has no CONFIG_DMABUF_MOVE_NOTIFY: .* \(the config comes from `b`\)$/,
  3,
);

test("a scenario's `kernel` clause sets its profile (or range) over its platform's, without changing the platform", () => {
  const p = bindText(`platform m extends arm64_soc { kernel 6.6..mainline }
scenario one on arm64_soc kernel 6.12 { }
scenario range on arm64_soc kernel 6.12..7.0 { }
scenario narrowed on m kernel 6.18 { }
scenario plain on m { }`);
  assert.deepEqual(summary(p.findings), []);
  const [one, range, narrowed, plain] = p.scenarios;
  assert.equal(one.platform!.kernel, '6.12');
  assert.equal(one.platform!.kernels, undefined);
  assert.equal(one.platform!.name, 'arm64_soc', 'the trace still names the platform');
  assert.equal(p.platforms.get('arm64_soc')!.kernel, '6.18', 'the platform itself keeps its own profile');
  assert.equal(range.platform!.kernel, '6.12');
  assert.deepEqual(range.platform!.kernels, ['6.12', '6.18', '6.19', '7.0']);
  assert.equal(narrowed.platform!.kernel, '6.18');
  assert.equal(narrowed.platform!.kernels, undefined, "one profile overrides the platform's range");
  assert.deepEqual(plain.platform!.kernels, ['6.6', '6.12', '6.18', '6.19', '7.0', '7.1']);
});

test("a wrong version in a scenario's clause is reported there and the scenario is still bound", () => {
  const p = bindText('scenario s on x86_64_pc kernel 5.4 {\n  get nobody\n}');
  assert.deepEqual(summary(p.findings).map((s) => s.replace(/ .*/, '')), ['1:SYNTAX', '2:NAME']);
  assert.match(messageOf(p.findings[0]), /unsupported kernel version `5\.4`/);
  assert.equal(p.scenarios[0].platform!.kernel, p.platforms.get('x86_64_pc')!.kernel, 'the clause is dropped');
});

nameCase(
  "a config the platform sets that the scenario's profile lacks is reported at the clause",
  'platform b extends x86_64_pc { config DMABUF_MOVE_NOTIFY yes }\nscenario s on b kernel 7.1 { }',
  'platform b extends x86_64_pc { config DMABUF_MOVE_NOTIFY yes }\nscenario s on b kernel 7.0 { }',
  /^kernel 7\.1 has no CONFIG_DMABUF_MOVE_NOTIFY: it was removed in 7\.1 by .* \(the config comes from platform `b`\)$/,
  2,
);

test('the built-in platforms are bound only into a program that names one', () => {
  const own = bindText('platform p {\n  arch arm64\n}\nscenario s on p {\n  b = heap system 4KiB\n  put b\n}\n');
  assert.deepEqual([...own.platforms.keys()], ['p']);
  assert.ok(![...own.files.keys()].some((f) => f.startsWith('builtin:')), 'no built-in file');
  assert.equal(own.symbols[0].name, 'p', "the program's own symbols come first");
  const named = bindText('scenario s on arm64_soc {\n  b = heap system 4KiB\n  put b\n}\n');
  assert.deepEqual([...named.platforms.keys()].sort(), ['arm32_soc', 'arm64_soc', 'x86_64_pc']);
  assert.equal(named.symbols.length, builtins().symbols.length + own.symbols.length - 1, 'the built-ins keep the lowest ids');
  // A platform that takes a built-in's name is still refused: naming it binds them.
  assert.match(names('platform arm64_soc {\n  arch arm64\n}\n').join('\n'), /NAME .*a built-in platform/);
});

// ---- exporter descriptions ----------------------------------------------------------------------

const EXPORTER = (body: string, device = 'exporter accel'): string =>
  `platform p extends x86_64_pc {\n exporter accel {\n${body}\n }\n device npu { bus pci sw0; bar dram 1GiB; ${device} }\n}`;

test('an exporter description resolves with its defaults, and the device refers to it', () => {
  const p = bindText(EXPORTER('  ops attach map_dma_buf unmap_dma_buf release pin unpin\n  peer2peer require\n  entry_offset 512'));
  assert.deepEqual(summary(p.findings), []);
  const pp = p.platforms.get('p')!;
  const e = pp.devices.get('npu')!.exporter;
  assert.ok(typeof e === 'object', 'the device names the description');
  assert.equal(e, pp.exporters.get('accel'));
  assert.deepEqual([...e.callbacks], ['attach', 'map_dma_buf', 'unmap_dma_buf', 'release', 'pin', 'unpin']);
  assert.equal(e.peer2peer, 'require');
  assert.equal(e.entryOffset, 512);
  assert.equal(e.barEntries, 'pageless', 'default: page-less entries for peer2peer importers only');
  assert.equal(e.cacheSgt, false);
  assert.equal(e.skipCpuSync, false, 'default: map_dma_buf maps with attrs 0');
  assert.equal(e.cpuAccess, 'sync_mapped');
  assert.equal(pp.devices.get('gpu')!.exporter, 'ttm', 'built-in names still mean the built-ins');
});

nameCase('a device names an exporter nobody described', EXPORTER('  ops map_dma_buf unmap_dma_buf release', 'exporter acel'), EXPORTER('  ops map_dma_buf unmap_dma_buf release'), /`acel` is not an exporter: write `gem`, `ttm`, `none` or the name of an `exporter NAME \{ … \}` of platform `p`/, 5);
nameCase('a description takes a built-in name', 'platform p extends x86_64_pc {\n exporter gem { ops map_dma_buf unmap_dma_buf release }\n}', 'platform p extends x86_64_pc {\n exporter mygem { ops map_dma_buf unmap_dma_buf release }\n}', /`gem` is a built-in exporter/, 2);

test('an exporter description without ops, with a line for a callback it lacks, or with a line twice is refused', () => {
  const noOps = bindText(EXPORTER('  map_attrs skip_cpu_sync'));
  assert.deepEqual(summary(noOps.findings).map((s) => s.split(' ')[0]), ['2:SYNTAX']);
  assert.match(messageOf(noOps.findings[0]), /needs an `ops` line/);
  const lacking = bindText(EXPORTER('  ops map_dma_buf unmap_dma_buf release\n  peer2peer require\n  cpu_access nothing'));
  assert.deepEqual(lacking.findings.map((f) => messageOf(f).replace(/, which.*/, '')), ['`peer2peer` describes ops->attach', '`cpu_access` describes ops->begin_cpu_access']);
  const twice = bindText(EXPORTER('  ops map_dma_buf unmap_dma_buf release\n  table per_call\n  table per_attachment'));
  assert.equal(twice.findings.length, 1);
  assert.match(messageOf(twice.findings[0]), /says `table` twice/);
  assert.equal(lineOfFinding(twice.findings[0]), 5);
  const dup = bindText(EXPORTER('  ops map_dma_buf unmap_dma_buf release map_dma_buf'));
  assert.match(messageOf(dup.findings[0]), /`map_dma_buf` is listed twice in `ops`/);
});
