// Hover over the protocol: keywords (kernel call, explanation, rules, the statement as C), names
// (kind, declaration, hardware facts, simulated state at that statement), sizes, rule codes and
// built-in platform names (their full text).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, positionOf, readSample } from './harness';
import { SAMPLE } from './sample';

describe('hover', () => {
  let c: LspClient;
  let uri: string;
  before(async () => {
    c = await LspClient.start();
    uri = await c.open('hover.dmabuf', SAMPLE);
    await c.settled(uri, 1);
  });
  after(() => c.stop());

  const hover = async (needle: string, delta = 0, nth = 0): Promise<string> => {
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(SAMPLE, needle, delta, nth) });
    assert.ok(h, `a hover at "${needle}"`);
    return (h.contents as MarkupContent).value;
  };

  test('a statement keyword names the kernel call, the rules it can trigger and the statement as C', async () => {
    const v = await hover('map_unlocked att');
    assert.match(v, /dma_buf_map_attachment_unlocked/);
    assert.match(v, /MAP-01/);
    assert.match(v, /```c\n.*dma_buf_map_attachment_unlocked\(att, DMA_TO_DEVICE\)/);
  });

  test('directions, usages and flags are keywords too', async () => {
    assert.match(await hover('to_device'), /DMA_TO_DEVICE/);
    assert.match(await hover('system 64KiB'), /system heap|system memory/i);
  });

  test('the same word means what its statement makes it mean', async () => {
    assert.match(await hover('write', 0, 0), /DMA_BUF_SYNC_WRITE/, 'begin_cpu buf write');
    assert.match(await hover('write va'), /CPU store/, 'cpu write va');
    assert.match(await hover('read sgt'), /device DMA read/, 'submit dsp read');
  });

  test('platform and device items', async () => {
    assert.match(await hover('coherent no'), /dev_is_dma_coherent/);
    assert.match(await hover('iommu smmu group'), /iommu_group/);
    assert.match(await hover('extends'), /Copies the base platform/);
  });

  test('a device name shows its kind, declaration and the bound hardware facts', async () => {
    const v = await hover('buf dsp', 4); // attach buf dsp
    assert.match(v, /\*\*device\*\* `dsp`/);
    assert.match(v, /Declared at line 3/);
    assert.match(v, /non-coherent/);
    assert.match(v, /group `g_dsp`/);
  });

  test('a buffer name shows its declaration', async () => {
    const v = await hover('buf =');
    assert.match(v, /\*\*buffer\*\* `buf` \(in upload\)/);
    assert.match(v, /`buf = heap system 64KiB`/);
  });

  test('a fence name shows its simulated state after the statement under the cursor', async () => {
    const v = await hover('done', 0, 1); // wait done
    assert.match(v, /State after step \d+/);
    assert.match(v, /signalled/);
    const atSubmit = await hover('done'); // submit ... signal done: not yet signalled
    assert.doesNotMatch(atSubmit, /: signalled/);
  });

  test('sizes show bytes and hex', async () => {
    const v = await hover('64KiB');
    assert.match(v, /64 KiB = 65,536 bytes = 0x10000/);
  });

  test('a rule code in a comment shows the rule', async () => {
    const v = await hover('NAME.');
    assert.match(v, /\*\*NAME: /);
  });

  test('a built-in platform name shows its full text', async () => {
    const v = await hover('arm64_soc');
    assert.match(v, /```dmabuf\nplatform arm64_soc \{/);
    assert.match(v, /device display/);
  });

  test('no hover on whitespace or punctuation', async () => {
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 0 } });
    assert.equal(h, null);
  });
});

describe('hover on a simulated sample', () => {
  test('an sg_table name shows its entries (page, physical and DMA address, length); a //~ code shows its rule', async () => {
    const c = await LspClient.start();
    try {
      const text = readSample('broken-unbracketed-cpu-write-arm64.dmabuf');
      const uri = await c.open('sample.dmabuf', text);
      await c.settled(uri, 1);
      const at = async (needle: string, delta: number): Promise<string> => {
        const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, delta) });
        return (h?.contents as MarkupContent | undefined)?.value ?? '';
      };
      const sgt = await at('submit camera read sgt', 'submit camera read '.length);
      assert.match(sgt, /\*\*sgt\*\* `sgt`/);
      assert.match(sgt, /State after step \d+/);
      assert.match(sgt, /\| phys \| page \| offset \| length \| dmaAddress \| dmaLength \|/);
      assert.match(sgt, /\| 0x[0-9a-f]+ \| yes \| 0 \| 65536 \(0x10000\) \| 0x[0-9a-f]+ \|/);
      const buffer = await at('params = heap', 0);
      assert.match(buffer, /refcount/);
      const rule = await at('//~ CPU-02', 5);
      assert.match(rule, /\*\*CPU-02: /);
      assert.match(rule, /dma-buf/);
    } finally {
      await c.stop();
    }
  });
});

describe('hover on a kernel line', () => {
  test('the keyword and a version show the profile table rows up to that profile, with release, commit and evidence; mainline says 7.1', async () => {
    const c = await LspClient.start();
    try {
      const text = 'platform m extends arm64_soc {\n  kernel 6.12..mainline\n}\nplatform one extends arm64_soc {\n  kernel 6.1\n}\n';
      const uri = await c.open('kernel.dmabuf', text);
      await c.settled(uri, 1);
      const at = async (needle: string, delta: number): Promise<string> => {
        const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, delta) });
        return (h?.contents as MarkupContent | undefined)?.value ?? '';
      };
      const keyword = await at('kernel 6.12', 0);
      assert.match(keyword, /\*\*`kernel`\*\*/);
      assert.match(keyword, /Version matrix 6\.12\.\.7\.1\*\*: every scenario runs under 6\.12, 6\.18, 6\.19, 7\.0, 7\.1\. `mainline` is 7\.1/);
      assert.match(keyword, /\*\*6\.16\*\*, profiles from 6\.18 \(`sgt-cache-dropped`\).*b72f66f22c0e.*evidence: dev-tree/);
      assert.doesNotMatch(keyword, /locking-convention/, 'a row before the range start is not a change inside it');
      const first = await at('6.12..', 1);
      assert.match(first, /\*\*Kernel profile 6\.12\*\*: what it changes relative to 6\.1/);
      assert.match(first, /\*\*6\.2\*\* \(`locking-convention`\).*47e982d5195d.*evidence: release-source \(read in a released kernel's source\)/);
      assert.doesNotMatch(first, /sgt-cache-dropped/);
      const mainline = await at('mainline', 2);
      assert.match(mainline, /\*\*Kernel profile mainline \(= 7\.1, the newest modelled profile\)\*\*/);
      assert.match(mainline, /move-notify-always.*609fc8766d68/);
      assert.match(await at('6.1\n', 1), /Kernel profile 6\.1\*\*: the baseline/);
    } finally {
      await c.stop();
    }
  });
});

describe('hover follows the scenario\'s kernel profile', () => {
  const TEXT = [
    'platform old extends arm64_soc {',
    '  kernel 6.12',
    '}',
    'platform lts extends arm64_soc {',
    '  kernel 6.18',
    '}',
    'scenario on_612 on old {',
    '  d = domain smmu',
    '}',
    'scenario on_618 on lts {',
    '  d = domain smmu',
    '}',
    'scenario clause on old kernel 6.18 {',
    '  d = domain smmu',
    '}',
    '',
  ].join('\n');
  let c: LspClient;
  let uri: string;
  before(async () => {
    c = await LspClient.start();
    uri = await c.open('profiles.dmabuf', TEXT);
    await c.settled(uri, 1);
  });
  after(() => c.stop());

  test('a statement\'s C is the call of its scenario\'s profile: iommu_domain_alloc() up to 6.12, iommu_paging_domain_alloc() from 6.13', async () => {
    const at = async (nth: number): Promise<string> => {
      const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEXT, 'domain smmu', 0, nth) });
      assert.ok(h, 'a hover on `domain`');
      return (h.contents as MarkupContent).value;
    };
    assert.match(await at(0), /```c\n.*iommu_domain_alloc\(/);
    assert.match(await at(1), /```c\n.*iommu_paging_domain_alloc\(/);
  });

  test("a scenario's `kernel` clause: its version hovers as a profile, and the statements' C follow it over the platform's", async () => {
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEXT, 'kernel 6.18 {', 7) });
    assert.match((h?.contents as MarkupContent | undefined)?.value ?? '', /\*\*Kernel profile 6\.18\*\*/);
    const d = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEXT, 'domain smmu', 0, 2) });
    assert.match((d?.contents as MarkupContent | undefined)?.value ?? '', /```c\n.*iommu_paging_domain_alloc\(/, 'platform `old` is 6.12, the clause says 6.18');
  });
});
