// Every snippet, expanded with its default values, is a valid scenario: it parses and binds
// without an error in the real front end, so a user who tabs through it gets working code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bindProgram, nodeFileHost } from '../../server/src/language/program';
import { renderMessage } from '../../server/src/common/edge';
import type { LineIndex } from '../../server/src/common/source';

interface Snippet {
  readonly prefix: string;
  readonly body: readonly string[];
  readonly description: string;
}

const snippets = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'snippets', 'dmabuf.json'), 'utf8')) as Record<string, Snippet>;

/** VS Code's expansion with defaults: ${1:x} → x, ${1|a,b|} → a, $1 → placeholder 1's value, $0 → nothing. */
export function expand(body: readonly string[]): string {
  const values = new Map<string, string>();
  const text = body.join('\n');
  const first = text.replace(/\$\{(\d+):([^}]*)\}|\$\{(\d+)\|([^|]*)\|\}/g, (_m, n1: string, def: string, n2: string, choices: string) => {
    const v = n1 !== undefined ? def : choices.split(',')[0];
    const key = n1 ?? n2;
    if (!values.has(key)) values.set(key, v);
    return v;
  });
  return first.replace(/\$(\d+)/g, (_m, n: string) => values.get(n) ?? '').replace(/\t/g, '  ');
}

/** What each statement snippet needs declared before it (its inputs), on arm64_soc. */
const PRELUDE: Record<string, string> = {
  'import-dynamic': 'buf = export gpu system 1MiB',
  'cpu-access': 'buf = heap system 1MiB',
  'submit-after': 'b = heap system 1MiB\npa = attach b display\nsgt = map_unlocked pa to_device\nfence = fence\nsignal fence',
  fence: 'b = heap system 1MiB\npa = attach b display\nsgt = map_unlocked pa to_device',
  'dma-map': 'buf = heap system 1MiB',
  'iommu-domain': 'buf = heap system 1MiB',
};

function check(name: string, text: string): void {
  const program = bindProgram({ path: `/snippets/${name}.dmabuf`, text }, { root: '/snippets', host: nodeFileHost });
  const lines = (file: string): LineIndex | undefined => program.files.get(file)?.source.lines;
  const errors = program.findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${renderMessage(f, lines)} @${(lines(f.location.file)?.position(f.location.span.start).line ?? 0) + 1}`);
  assert.deepEqual(errors, [], `${name}:\n${text}`);
}

describe('snippets', () => {
  it('cover the common sequences', () => {
    const prefixes = Object.values(snippets).map((s) => s.prefix);
    for (const p of ['scenario', 'platform', 'import-static', 'import-dynamic', 'cpu-access', 'heap', 'fence', 'dma-map', 'thread', 'platform-exporter', 'dma-coherent', 'dma-noncoherent', 'dma-map-single']) assert.ok(prefixes.includes(p), p);
  });

  for (const [name, s] of Object.entries(snippets)) {
    it(`${name} (${s.prefix}) expands to a scenario that parses and binds`, () => {
      assert.ok(s.description.length > 10, 'has a description');
      const body = expand(s.body);
      if (s.prefix === 'scenario') return check(name, body.replace('{\n  \n}', '{\n  b = heap system 4KiB\n  put b\n}'));
      if (s.prefix === 'platform') return check(name, `${body}\nscenario s on my_soc {\n  b = heap system 4KiB\n  put b\n}\n`);
      if (s.prefix === 'platform-exporter') return check(name, `${body}\nscenario s on accel_pc {\n  b = export npu dram 1MiB\n  put b\n}\n`);
      if (s.prefix === 'thread') return check(name, `scenario s on arm64_soc {\n${body.replace('{\n  \n}', '{\n  b = heap system 4KiB\n  put b\n}')}\n}\n`);
      const prelude = PRELUDE[s.prefix] ?? '';
      check(name, `scenario s on arm64_soc {\n${prelude}\n${body}\n}\n`);
    });
  }
});
