// Recursive-descent parser for .dmabuf files. Never throws to its caller: a statement or item it
// cannot read becomes a SYNTAX finding (what was expected, what was found), the parser skips to
// the next newline, `;` or `}` and goes on, so one file can report several errors and the rest is
// still analysed. Statement lists are loops; only `thread` nesting recurses, and it is bounded.
import type * as A from './ast';
import { BAR_ENTRIES, CLEAR_POLICIES, CONFIG_NAMES, CPU_ACCESS_POLICIES, CPU_MAPPINGS, ATTACHMENT_WALKS, DMA_BUF_CALLBACKS, MAP_ATTRS, PEER2PEER_POLICIES, TABLE_POLICIES } from './ast';
import { lexChunk, type LexProblem, type Token } from './lexer';
import { KERNEL_VERSIONS, MAINLINE, parseVersion, profilesInRange } from './profiles';
import { frontFinding } from './diagnostics';
import type { Finding } from '../common/findings';
import type { SourceText } from '../common/source';
import { assertNever } from '../common/assert';
import {
  ACCESSES,
  WALKS,
  BINDING_KEYWORDS,
  fill,
  isBespokeParse,
  statementFor,
  type AnySlot,
  type BespokeKind,
  type KeywordEntry,
  type StmtKind,
} from './statements';

/** Characters lexed at a time (to the next line end). */
const LEX_CHUNK = 8192;

export interface ParseResult {
  readonly ast: A.SourceFileNode;
  /** SYNTAX findings, in source order. */
  readonly findings: readonly Finding[];
}

/** `thread` blocks nest at most this deep. */
export const MAX_THREAD_DEPTH = 32;

/** Thrown inside the parser to abandon the current statement; never escapes `parse`. */
class Bail {
  readonly reason = 'statement abandoned';
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A statement node being built: its kind first, its fields as the parser reads them, its span last. */
type PendingStmt = { kind: StmtKind; keyword?: A.Span; name?: A.Ident; span?: A.Span; [field: string]: unknown };

const TOP_KEYWORDS = new Set(['import', 'platform', 'scenario']);
export const PLATFORM_KEYWORDS = [
  'arch', 'kernel', 'config', 'page_size', 'ram', 'cma', 'iommu', 'host_bridge', 'switch', 'device', 'exporter',
] as const;
/** The lines of an `exporter NAME { … }` description. */
export const EXPORTER_KEYWORDS = [
  'ops', 'cache_sgt_mapping', 'map_attrs', 'table', 'bar_entries', 'peer2peer', 'cpu_access', 'cpu_mapping', 'attachment_walk', 'clear', 'entry_offset',
] as const;
export const DEVICE_KEYWORDS = [
  'bus', 'coherent', 'untrusted', 'dma_mask', 'max_segment', 'segment_boundary', 'iommu', 'bar', 'exporter',
] as const;

function isOneOf<W extends string>(words: readonly W[], text: string): text is W {
  return (words as readonly string[]).includes(text);
}

export function parse(source: SourceText): ParseResult {
  const { items, findings } = new Parser(source, 0).parseItems(() => false);
  return fileResult(source, items, findings);
}

/** The file node over `items`, with the file's SYNTAX findings capped (a fresh or an incremental parse). */
export function fileResult(source: SourceText, items: A.TopItem[], findings: Finding[]): ParseResult {
  const ast: A.SourceFileNode = { kind: 'File', items, span: { start: 0, end: source.text.length } };
  return { ast, findings: capFindings(source, findings) };
}

/** Top-level items parsed from one offset, and where parsing stopped. */
export interface ItemRun {
  readonly items: A.TopItem[];
  /** SYNTAX findings in [start, end), in source order, not capped. */
  readonly findings: Finding[];
  /** Where the next item would start: the offset `stop` accepted, or the text's length. */
  readonly end: number;
}

/**
 * Parses top-level items from `start` (where an item begins) until `stop` accepts the offset at
 * which the next one begins. Items do not depend on what precedes them, so an editor can re-parse
 * the items around an edit and keep the others (incremental.ts).
 */
export function parseItems(source: SourceText, start: number, stop: (offset: number) => boolean): ItemRun {
  return new Parser(source, start).parseItems(stop);
}

/** More SYNTAX findings than this in one file are summed up in one: past that, the text is not a scenario description. */
export const MAX_SYNTAX_FINDINGS = 100;

/** Keeps the first findings and says how many more there were (binary garbage gave one per few bytes). */
function capFindings(source: SourceText, findings: Finding[]): Finding[] {
  if (findings.length <= MAX_SYNTAX_FINDINGS) return findings;
  const kept = findings.slice(0, MAX_SYNTAX_FINDINGS);
  const next = findings[MAX_SYNTAX_FINDINGS];
  const more = findings.length - MAX_SYNTAX_FINDINGS;
  kept.push(frontFinding(source, 'SYNTAX', next.location.span, `${more} more syntax errors from here on are not reported (at most ${MAX_SYNTAX_FINDINGS} per file): fix the first ones, or check that this is a scenario file`));
  return kept;
}

function quoteList(words: readonly string[]): string {
  const q = words.map((w) => `\`${w}\``);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

class Parser {
  private readonly tokens: Token[] = [];
  private pos = 0;
  /** End offset of the last consumed token: statements end here. */
  private lastEnd = 0;
  private readonly findings: Finding[] = [];
  /** The name of the binding statement being parsed, kept on an ErrorStmt when it fails. */
  private pendingBinding: A.Ident | undefined;

  /** Lexer problems, reported once parsing knows where it stopped. */
  private readonly lexProblems: LexProblem[] = [];
  /** Where the next chunk of tokens starts; the text is lexed only as far as the parser reads. */
  private lexedTo: number;

  constructor(
    private readonly source: SourceText,
    start: number,
  ) {
    this.lastEnd = start;
    this.lexedTo = start;
  }

  private lexMore(): void {
    const chunk = lexChunk(this.source.text, this.lexedTo, this.lexedTo + LEX_CHUNK);
    for (const t of chunk.tokens) this.tokens.push(t);
    for (const p of chunk.problems) this.lexProblems.push(p);
    this.lexedTo = chunk.end;
  }

  parseItems(stop: (offset: number) => boolean): ItemRun {
    const items: A.TopItem[] = [];
    let end = this.source.text.length;
    for (;;) {
      this.skipSeparators();
      const t = this.peek();
      if (t.kind === 'EOF') break;
      if (stop(t.span.start)) {
        end = t.span.start;
        break;
      }
      if (t.kind === 'RBrace') {
        this.next();
        this.report(t.span, 'unmatched `}`: no block is open here');
        continue;
      }
      try {
        items.push(this.parseTopItem());
      } catch (e) {
        if (!(e instanceof Bail)) throw e;
        this.resync();
      }
    }
    // The lexer may have read past `end`: its problems there belong to items not parsed here.
    const lexical = this.lexProblems.filter((p) => p.span.start < end).map((p) => frontFinding(this.source, 'SYNTAX', p.span, p.message));
    const findings = [...lexical, ...this.findings].sort((a, b) => a.location.span.start - b.location.span.start);
    return { items, findings, end };
  }

  // ------------------------------------------------------------------------------------------
  // Tokens

  private peek(k = 0): Token {
    while (this.pos + k >= this.tokens.length && this.tokens[this.tokens.length - 1]?.kind !== 'EOF') this.lexMore();
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'EOF') {
      this.pos++;
      this.lastEnd = t.span.end;
    }
    return t;
  }

  private isWord(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'Ident' && t.text === word;
  }

  private skipSeparators(): void {
    while (this.peek().kind === 'Newline' || this.peek().kind === 'Semi') this.next();
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'Newline') this.next();
  }

  private atStatementEnd(): boolean {
    const k = this.peek().kind;
    return k === 'Newline' || k === 'Semi' || k === 'RBrace' || k === 'EOF';
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'Newline':
        return 'the end of the line';
      case 'EOF':
        return 'the end of the file';
      case 'String':
        return `the string "${t.text}"`;
      case 'Number':
        return `the number \`${t.text}\``;
      case 'Version':
        return `\`${t.text}\``;
      default:
        return `\`${t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text}\``;
    }
  }

  private report(span: A.Span, message: string): void {
    this.findings.push(frontFinding(this.source, 'SYNTAX', span, message));
  }

  /** Reports "expected X, found Y" at the current token (unless the lexer already did) and bails. */
  private fail(expected: string, context?: string): never {
    const t = this.peek();
    if (!t.invalid) {
      const atEnd = t.kind === 'Newline' || t.kind === 'EOF';
      const span = atEnd ? { start: this.lastEnd, end: this.lastEnd } : t.span;
      this.report(span, `expected ${expected}${context ? ` ${context}` : ''}, found ${this.describe(t)}`);
    }
    throw new Bail();
  }

  /** Skips the rest of a bad statement: up to a newline, `;` or `}` outside any `{ }` it opens. */
  private resync(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'EOF') return;
      if (depth === 0 && (t.kind === 'Newline' || t.kind === 'Semi' || t.kind === 'RBrace')) return;
      if (t.kind === 'LBrace') depth++;
      if (t.kind === 'RBrace') depth--;
      this.next();
    }
  }

  private endStatement(what: string): void {
    if (this.atStatementEnd()) return;
    const t = this.peek();
    if (!t.invalid) this.report(t.span, `expected the end of the ${what} statement (a newline or \`;\`), found ${this.describe(t)}`);
    throw new Bail();
  }

  // ------------------------------------------------------------------------------------------
  // Leaves

  private ident(what: string, context?: string): A.Ident {
    const t = this.peek();
    if (t.kind !== 'Ident') this.fail(what, context);
    this.next();
    return { kind: 'Ident', name: t.text, span: t.span };
  }

  private keyword(word: string, context?: string): A.Span {
    if (!this.isWord(word)) this.fail(`\`${word}\``, context);
    return this.next().span;
  }

  private number(what: string, allowUnit: boolean, context?: string): A.NumberLit {
    const t = this.peek();
    if (t.kind !== 'Number' || t.invalid) this.fail(what, context);
    if (!allowUnit && t.unit) {
      this.report(t.span, `expected ${what}${context ? ` ${context}` : ''}, found the size \`${t.text}\`: this takes a plain integer, without a unit`);
      throw new Bail();
    }
    this.next();
    return { kind: 'Number', value: t.value ?? 0, text: t.text, span: t.span, ...(t.unit ? { unit: t.unit } : {}) };
  }

  private size(what: string, context?: string): A.NumberLit {
    return this.number(what, true, context);
  }

  private word<T extends string>(allowed: readonly T[], context?: string): A.Word<T> {
    const t = this.peek();
    if (t.kind !== 'Ident' || !(allowed as readonly string[]).includes(t.text)) this.fail(quoteList(allowed), context);
    this.next();
    return { kind: 'Word', value: t.text as T, span: t.span };
  }

  private optionalWord<T extends string>(allowed: readonly T[]): A.Word<T> | undefined {
    const t = this.peek();
    if (t.kind !== 'Ident' || !(allowed as readonly string[]).includes(t.text)) return undefined;
    this.next();
    return { kind: 'Word', value: t.text as T, span: t.span };
  }

  private bool(context?: string): A.BoolLit {
    const w = this.word(['yes', 'no'] as const, context);
    return { kind: 'Bool', value: w.value === 'yes', span: w.span };
  }

  private flag(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  private openBrace(context: string): Token {
    this.skipNewlines();
    if (this.peek().kind !== 'LBrace') this.fail('`{`', context);
    return this.next();
  }

  /**
   * Parses `{ item* }` after `open` has been consumed. Items are separated by newlines or `;`.
   * An item that fails is skipped to the next separator. An unclosed block is reported at its
   * opening brace; a top-level keyword at the start of an item also ends it (the `}` was forgotten).
   */
  private block<T>(open: Token, what: string, item: () => T | undefined, onError?: (start: number) => T): { items: T[]; span: A.Span } {
    const items: T[] = [];
    for (;;) {
      this.skipSeparators();
      const t = this.peek();
      if (t.kind === 'RBrace') {
        this.next();
        return { items, span: { start: open.span.start, end: t.span.end } };
      }
      const forgotten = t.kind === 'Ident' && TOP_KEYWORDS.has(t.text) && this.peek(1).kind !== 'Equals';
      if (t.kind === 'EOF' || forgotten) {
        const before = t.kind === 'EOF' ? 'the end of the file' : `\`${t.text}\``;
        this.report(open.span, `unclosed block: the \`{\` of ${what} has no matching \`}\` before ${before}`);
        return { items, span: { start: open.span.start, end: this.lastEnd } };
      }
      const start = t.span.start;
      try {
        const it = item();
        if (it !== undefined) items.push(it);
      } catch (e) {
        if (!(e instanceof Bail)) throw e;
        this.resync();
        if (onError) items.push(onError(start));
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Top level

  private parseTopItem(): A.TopItem {
    const t = this.peek();
    if (t.kind === 'Ident' && t.text === 'import') return this.parseImport();
    if (t.kind === 'Ident' && t.text === 'platform') return this.parsePlatform();
    if (t.kind === 'Ident' && t.text === 'scenario') return this.parseScenario();
    if (t.kind === 'Ident' && t.text === 'check') return this.parseCheck();
    return this.fail('`import`, `platform`, `scenario` or `check`', 'at the top level');
  }

  private parseImport(): A.ImportDecl {
    const keyword = this.next().span;
    const t = this.peek();
    if (t.kind !== 'String' || t.invalid) this.fail('a quoted file path', 'after `import`');
    this.next();
    this.endStatement('`import`');
    return { kind: 'Import', keyword, path: t.text, pathSpan: t.span, span: { start: keyword.start, end: t.span.end } };
  }

  private parseCheck(): A.CheckDecl {
    const keyword = this.next().span;
    const t = this.peek();
    if (t.kind !== 'String' || t.invalid) this.fail('a quoted path of a C file', 'after `check`');
    this.next();
    this.keyword('on', 'after the C file (`check "driver.c" on PLATFORM { NAME = DEVICE }`)');
    const platform = this.ident('a platform name', 'after `on`');
    const kernel = this.isWord('kernel') ? this.scenarioKernel() : undefined;
    const open = this.openBrace('to open the `check` block');
    let pendingWrite: A.Ident | undefined;
    const { items, span } = this.block(open, '`check`', () => {
      if (this.isWord('pending_write') && this.peek(1).kind === 'Ident') {
        this.next();
        pendingWrite = this.ident('a device', 'after `pending_write`');
        this.endStatement('a `check` line');
        return undefined;
      }
      const name = this.ident('the name a C expression ends in (`dev`)', 'in `check` (`NAME = DEVICE` or `pending_write DEVICE`)');
      if (this.peek().kind !== 'Equals') this.fail('`=`', `after \`${name.name}\` (\`${name.name} = DEVICE\`)`);
      this.next();
      const device = this.ident('a device of the platform', `after \`${name.name} =\``);
      this.endStatement('a `check` line');
      return { kind: 'CheckRole' as const, name, device, span: { start: name.span.start, end: device.span.end } };
    });
    return { kind: 'Check', keyword, path: t.text, pathSpan: t.span, platform, ...(kernel ? { kernel } : {}), roles: items, ...(pendingWrite ? { pendingWrite } : {}), body: span, span: { start: keyword.start, end: span.end } };
  }

  private parsePlatform(): A.PlatformDecl {
    const keyword = this.next().span;
    const name = this.ident('a platform name', 'after `platform`');
    let base: A.Ident | undefined;
    if (this.isWord('extends')) {
      this.next();
      base = this.ident('the name of the platform to extend', 'after `extends`');
    }
    const open = this.openBrace(`to open platform \`${name.name}\``);
    const { items, span } = this.block(open, `platform \`${name.name}\``, () => this.parsePlatformItem());
    return {
      kind: 'Platform',
      keyword,
      name,
      ...(base ? { extends: base } : {}),
      items,
      body: span,
      span: { start: keyword.start, end: span.end },
    };
  }

  private parseScenario(): A.ScenarioDecl {
    const keyword = this.next().span;
    const name = this.ident('a scenario name', 'after `scenario`');
    this.keyword('on', `after the scenario name (\`scenario ${name.name} on PLATFORM\`)`);
    const platform = this.ident('a platform name', 'after `on`');
    const kernel = this.isWord('kernel') ? this.scenarioKernel() : undefined;
    const open = this.openBrace(`to open scenario \`${name.name}\``);
    const { items, span } = this.block(
      open,
      `scenario \`${name.name}\``,
      () => this.parseStmt(0),
      (start) => this.errorStmt(start),
    );
    return { kind: 'Scenario', keyword, name, platform, ...(kernel ? { kernel } : {}), body: items, bodySpan: span, span: { start: keyword.start, end: span.end } };
  }

  /**
   * `kernel V` / `kernel A..B` in a scenario header. A wrong version is reported and the clause
   * dropped, up to the `{`, so the scenario's body is still parsed and checked.
   */
  private scenarioKernel(): A.KernelItem | undefined {
    const keyword = this.next().span;
    try {
      return { ...this.kernelItem(), keyword, span: { start: keyword.start, end: this.lastEnd } };
    } catch (e) {
      if (!(e instanceof Bail)) throw e;
      while (!['LBrace', 'Newline', 'EOF'].includes(this.peek().kind)) this.next();
      return undefined;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Platform items

  /** The keyword an item of a block starts with, one of `words`; a clear error naming them otherwise. */
  private itemKeyword<W extends string>(words: readonly W[], what: string): { readonly word: W; readonly keyword: A.Span } {
    const t = this.peek();
    const word = t.text;
    if (t.kind !== 'Ident' || !isOneOf(words, word)) return this.fail(`${what} (${quoteList(words)})`);
    return { word, keyword: this.next().span };
  }

  /** Ends an item at the end of its line and gives it its keyword and span. */
  private finishItem<T extends A.Node & { readonly keyword: A.Span }>(item: Omit<T, 'span' | 'keyword'>, keyword: A.Span, what: string): T {
    this.endStatement(what);
    return { ...item, keyword, span: { start: keyword.start, end: this.lastEnd } } as T;
  }

  private parsePlatformItem(): A.PlatformItem {
    const { word, keyword } = this.itemKeyword(PLATFORM_KEYWORDS, 'a platform item');
    const done = <T extends A.PlatformItem>(item: Omit<T, 'span' | 'keyword'>, what: string): T => this.finishItem<T>(item, keyword, what);
    switch (word) {
      case 'arch':
        return done<A.ArchItem>({ kind: 'Arch', arch: this.word(['x86_64', 'arm64', 'arm32', 'riscv64'] as const, 'after `arch`') }, '`arch`');
      case 'kernel':
        return done<A.KernelItem>(this.kernelItem(), '`kernel`');
      case 'config': {
        const name = this.word(CONFIG_NAMES, 'after `config`');
        return done<A.ConfigItem>({ kind: 'Config', name, value: this.bool(`after \`config ${name.value}\``) }, '`config`');
      }
      case 'page_size':
        return done<A.PageSizeItem>({ kind: 'PageSize', size: this.size('a size', 'after `page_size`') }, '`page_size`');
      case 'ram': {
        const size = this.size('a size', 'after `ram`');
        let base: A.NumberLit | undefined;
        if (this.flag('at')) base = this.size('a physical address', 'after `at`');
        return done<A.RamItem>({ kind: 'Ram', size, ...(base ? { base } : {}) }, '`ram`');
      }
      case 'cma': {
        const size = this.size('a size', 'after `cma`');
        this.keyword('at', 'after the size (`cma SIZE at ADDR`)');
        const base = this.size('a physical address', 'after `at`');
        return done<A.CmaItem>({ kind: 'Cma', size, base }, '`cma`');
      }
      case 'iommu':
        return this.parseIommu(keyword);
      case 'host_bridge':
        return this.parseHostBridge(keyword);
      case 'switch':
        return this.parseSwitch(keyword);
      case 'device':
        return this.parseDevice(keyword);
      case 'exporter':
        return this.parseExporter(keyword);
      default:
        return assertNever(word);
    }
  }

  /**
   * `kernel A` or a range `kernel A..B` (a version matrix): both ends are profiles of the table,
   * `B` not older than `A`. A reversed range names the profiles in order and drops the item.
   */
  private kernelItem(): Omit<A.KernelItem, 'span' | 'keyword'> {
    const version = this.version('after `kernel`');
    if (this.peek().kind !== 'DotDot') return { kind: 'Kernel', version };
    this.next();
    const last = this.version('after `..`');
    const span = { start: version.span.start, end: last.span.end };
    const profiles = profilesInRange(version.value, last.value);
    if (!profiles) {
      const spelled = this.source.text.slice(span.start, span.end);
      this.report(span, `reversed kernel range \`${spelled}\`: a range goes from the older profile to the newer: ${KERNEL_VERSIONS.map((v) => `\`${v}\``).join(' < ')} (\`mainline\` is \`${MAINLINE}\`)`);
      throw new Bail();
    }
    return { kind: 'Kernel', version, last };
  }

  /** A profile of the table (language/profiles.ts), or `mainline` (the newest). */
  private version(context: string): A.Word<A.KernelVersion> {
    const t = this.peek();
    const version = t.kind === 'Version' || (t.kind === 'Ident' && t.text === 'mainline') ? parseVersion(t.text) : undefined;
    if (version) {
      this.next();
      return { kind: 'Word', value: version, span: t.span };
    }
    const profiles = `${quoteList([...KERNEL_VERSIONS, 'mainline'])}`;
    if (t.kind === 'Version') {
      this.report(t.span, `unsupported kernel version \`${t.text}\`: the rule profiles are ${profiles}`);
      throw new Bail();
    }
    return this.fail(`a kernel version (${profiles})`, context);
  }

  private parseIommu(keyword: A.Span): A.IommuDecl {
    const name = this.ident('an IOMMU name', 'after `iommu`');
    const open = this.openBrace(`to open iommu \`${name.name}\``);
    const item: Mutable<Pick<A.IommuDecl, 'pageSizes' | 'iovaBits'>> = {};
    const { span } = this.block(open, `iommu \`${name.name}\``, () => {
      if (this.isWord('page_sizes')) {
        this.next();
        const sizes = [this.size('a page size', 'after `page_sizes`')];
        while (this.peek().kind === 'Number') sizes.push(this.size('a page size'));
        this.endStatement('`page_sizes`');
        item.pageSizes = sizes;
      } else if (this.isWord('iova_bits')) {
        this.next();
        item.iovaBits = this.number('a number of bits', false, 'after `iova_bits`');
        this.endStatement('`iova_bits`');
      } else {
        this.fail('`page_sizes` or `iova_bits`', 'in an iommu block');
      }
      return undefined;
    });
    return { kind: 'Iommu', keyword, name, ...item, body: span, span: { start: keyword.start, end: span.end } };
  }

  private parseHostBridge(keyword: A.Span): A.HostBridgeDecl {
    const name = this.ident('a host bridge name', 'after `host_bridge`');
    if (this.peek().kind !== 'LBrace') {
      this.endStatement('`host_bridge`');
      return { kind: 'HostBridge', keyword, name, span: { start: keyword.start, end: this.lastEnd } };
    }
    let p2p: A.BoolLit | undefined;
    const open = this.next();
    const { span } = this.block(open, `host_bridge \`${name.name}\``, () => {
      this.keyword('p2p', 'in a host_bridge block');
      p2p = this.bool('after `p2p`');
      this.endStatement('`p2p`');
      return undefined;
    });
    this.endStatement('`host_bridge`');
    return { kind: 'HostBridge', keyword, name, ...(p2p ? { p2p } : {}), body: span, span: { start: keyword.start, end: span.end } };
  }

  private parseSwitch(keyword: A.Span): A.SwitchDecl {
    const name = this.ident('a switch name', 'after `switch`');
    this.keyword('under', `after the switch name (\`switch ${name.name} under BRIDGE\`)`);
    const under = this.ident('the upstream switch or host bridge', 'after `under`');
    if (this.peek().kind !== 'LBrace') {
      this.endStatement('`switch`');
      return { kind: 'Switch', keyword, name, under, span: { start: keyword.start, end: this.lastEnd } };
    }
    let acs: A.BoolLit | undefined;
    const open = this.next();
    const { span } = this.block(open, `switch \`${name.name}\``, () => {
      this.keyword('acs', 'in a switch block');
      acs = this.bool('after `acs`');
      this.endStatement('`acs`');
      return undefined;
    });
    this.endStatement('`switch`');
    return { kind: 'Switch', keyword, name, under, ...(acs ? { acs } : {}), body: span, span: { start: keyword.start, end: span.end } };
  }

  private parseExporter(keyword: A.Span): A.ExporterDecl {
    const name = this.ident('an exporter name', 'after `exporter`');
    const open = this.openBrace(`to open exporter \`${name.name}\``);
    const { items, span } = this.block(open, `exporter \`${name.name}\``, () => this.parseExporterItem());
    this.endStatement('`exporter`');
    return { kind: 'ExporterDecl', keyword, name, items, body: span, span: { start: keyword.start, end: span.end } };
  }

  private parseExporterItem(): A.ExporterDescItem {
    const { word, keyword } = this.itemKeyword(EXPORTER_KEYWORDS, 'an exporter item');
    const done = <T extends A.ExporterDescItem>(item: Omit<T, 'span' | 'keyword'>): T => this.finishItem<T>(item, keyword, `\`${word}\``);
    switch (word) {
      case 'ops': {
        const callbacks = [this.word(DMA_BUF_CALLBACKS, 'after `ops` (the dma_buf_ops members the driver fills in)')];
        while (this.peek().kind === 'Ident') callbacks.push(this.word(DMA_BUF_CALLBACKS, 'in `ops`'));
        return done<A.OpsItem>({ kind: 'ExpOps', callbacks });
      }
      case 'cache_sgt_mapping':
        return done<A.CacheSgtItem>({ kind: 'ExpCacheSgt', value: this.bool('after `cache_sgt_mapping`') });
      case 'map_attrs':
        return done<A.MapAttrsItem>({ kind: 'ExpMapAttrs', attrs: this.word(MAP_ATTRS, 'after `map_attrs`') });
      case 'table':
        return done<A.TableItem>({ kind: 'ExpTable', table: this.word(TABLE_POLICIES, 'after `table`') });
      case 'bar_entries':
        return done<A.BarEntriesItem>({ kind: 'ExpBarEntries', policy: this.word(BAR_ENTRIES, 'after `bar_entries`') });
      case 'peer2peer':
        return done<A.Peer2peerItem>({ kind: 'ExpPeer2peer', policy: this.word(PEER2PEER_POLICIES, 'after `peer2peer`') });
      case 'cpu_access':
        return done<A.CpuAccessItem>({ kind: 'ExpCpuAccess', policy: this.word(CPU_ACCESS_POLICIES, 'after `cpu_access`') });
      case 'cpu_mapping':
        return done<A.CpuMappingItem>({ kind: 'ExpCpuMapping', caching: this.word(CPU_MAPPINGS, 'after `cpu_mapping`') });
      case 'clear':
        return done<A.ClearItem>({ kind: 'ExpClear', policy: this.word(CLEAR_POLICIES, 'after `clear`') });
      case 'attachment_walk':
        return done<A.AttachmentWalkItem>({ kind: 'ExpAttachmentWalk', walk: this.word(ATTACHMENT_WALKS, 'after `attachment_walk`') });
      case 'entry_offset':
        return done<A.EntryOffsetItem>({ kind: 'ExpEntryOffset', size: this.size('a size', 'after `entry_offset`') });
      default:
        return assertNever(word);
    }
  }

  private parseDevice(keyword: A.Span): A.DeviceDecl {
    const name = this.ident('a device name', 'after `device`');
    const open = this.openBrace(`to open device \`${name.name}\``);
    const { items, span } = this.block(open, `device \`${name.name}\``, () => this.parseDeviceItem());
    this.endStatement('`device`');
    return { kind: 'Device', keyword, name, items, body: span, span: { start: keyword.start, end: span.end } };
  }

  private parseDeviceItem(): A.DeviceItem {
    const { word, keyword } = this.itemKeyword(DEVICE_KEYWORDS, 'a device item');
    const done = <T extends A.DeviceItem>(item: Omit<T, 'span' | 'keyword'>): T => this.finishItem<T>(item, keyword, `\`${word}\``);
    switch (word) {
      case 'bus': {
        const bus = this.word(['pci', 'platform'] as const, 'after `bus`');
        if (bus.value === 'platform') return done<A.BusPlatformItem>({ kind: 'BusPlatform' });
        return done<A.BusPciItem>({ kind: 'BusPci', upstream: this.ident('the upstream switch or host bridge', 'after `bus pci`') });
      }
      case 'coherent':
        return done<A.CoherentItem>({ kind: 'Coherent', value: this.bool('after `coherent`') });
      case 'untrusted':
        return done<A.UntrustedItem>({ kind: 'Untrusted', value: this.bool('after `untrusted`') });
      case 'dma_mask':
        return done<A.DmaMaskItem>({ kind: 'DmaMask', bits: this.number('a number of address bits', false, 'after `dma_mask`') });
      case 'max_segment':
        return done<A.MaxSegmentItem>({ kind: 'MaxSegment', size: this.size('a size', 'after `max_segment`') });
      case 'segment_boundary':
        return done<A.SegmentBoundaryItem>({ kind: 'SegmentBoundary', size: this.size('a size', 'after `segment_boundary`') });
      case 'iommu': {
        const iommu = this.ident('an IOMMU name', 'after `iommu`');
        this.keyword('group', `after \`iommu ${iommu.name}\` (\`iommu NAME group GROUP\`)`);
        return done<A.DeviceIommuItem>({ kind: 'DeviceIommu', iommu, group: this.ident('a group name', 'after `group`') });
      }
      case 'bar': {
        const name = this.ident('a BAR name', 'after `bar`');
        const size = this.size('a size', `after \`bar ${name.name}\``);
        return done<A.BarDecl>({ kind: 'Bar', name, size, mmio: this.flag('mmio') });
      }
      case 'exporter':
        return done<A.ExporterItem>({ kind: 'Exporter', exporter: this.ident('`gem`, `ttm`, `none` or an exporter described in the platform', 'after `exporter`') });
      default:
        return assertNever(word);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Statements

  private errorStmt(start: number): A.ErrorStmt {
    const binds = this.pendingBinding;
    this.pendingBinding = undefined;
    return { kind: 'Error', span: { start, end: Math.max(start, this.lastEnd) }, ...(binds ? { binds } : {}) };
  }

  private parseStmt(depth: number): A.Stmt {
    this.pendingBinding = undefined;
    const first = this.peek();
    if (first.kind !== 'Ident') return this.fail('a statement');
    if (this.peek(1).kind === 'Equals') return this.parseBinding();
    const entry = statementFor(first.text);
    if (entry?.spec.form === 'binding') {
      this.report(first.span, `\`${first.text}\` produces a value: write \`NAME = ${first.text} ...\``);
      throw new Bail();
    }
    if (!entry) return this.fail('a statement (e.g. `NAME = export ...`, `submit`, `wait`)');
    const keyword = this.next().span;
    const stmt = isBespokeParse(entry.spec.kind) ? this.parseBespoke(entry.spec.kind, entry.word, keyword, depth) : this.parseFromTable(entry, { keyword, kind: entry.spec.kind });
    if (stmt.kind !== 'Thread') this.endStatement(`\`${first.text}\``);
    // A fresh object: completed in place rather than copied (a copy per statement showed in profiles).
    stmt.span = { start: keyword.start, end: this.lastEnd };
    return stmt as A.Stmt; // the table's slots name the kind's fields (statements.ts types them)
  }

  private parseBinding(): A.Stmt {
    const nameTok = this.next();
    const name: A.Ident = { kind: 'Ident', name: nameTok.text, span: nameTok.span };
    this.pendingBinding = name;
    this.next(); // `=`
    const kw = this.peek();
    const entry = kw.kind === 'Ident' ? statementFor(kw.text) : undefined;
    if (entry?.spec.form === 'plain') {
      this.report(kw.span, `\`${kw.text}\` does not produce a value: write it without \`${name.name} =\``);
      throw new Bail();
    }
    if (!entry) return this.fail(`a value-producing statement (${quoteList(BINDING_KEYWORDS)})`, `after \`${name.name} =\``);
    const keyword = this.next().span;
    const body = isBespokeParse(entry.spec.kind) ? this.parseBespoke(entry.spec.kind, entry.word, keyword, 0) : this.parseFromTable(entry, { kind: entry.spec.kind });
    this.endStatement(`\`${kw.text}\``);
    this.pendingBinding = undefined;
    body.name = name;
    body.keyword = keyword;
    body.span = { start: nameTok.span.start, end: this.lastEnd };
    return body as A.Stmt; // the table's slots name the kind's fields (statements.ts types them)
  }

  /** A simple statement: its operands as its table entry lists them, then what its keyword fixes. */
  private parseFromTable(entry: KeywordEntry, node: PendingStmt): PendingStmt {
    const slots: readonly AnySlot[] = entry.spec.slots;
    let prev = '';
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      if (slot.take === 'flag') {
        i = this.readFlags(slots, i, node) - 1;
        continue;
      }
      prev = this.readSlot(slot, entry.word, prev, node) ?? prev;
    }
    Object.assign(node, entry.fixed);
    return node;
  }

  /** Reads one operand into `node`; returns its text for the next operand's context. */
  private readSlot(slot: AnySlot, kw: string, prev: string, node: PendingStmt): string | undefined {
    const ctx = 'ctx' in slot && slot.ctx !== undefined ? fill(slot.ctx, kw, prev) : undefined;
    switch (slot.take) {
      case 'name':
      case 'hardware':
      case 'mem':
      case 'binds': {
        if ('list' in slot && slot.list) {
          node[slot.field] = this.identList(slot.what, ctx ?? '');
          return undefined;
        }
        const id = this.ident(slot.what, ctx);
        node[slot.field] = id;
        return id.name;
      }
      case 'word': {
        const w = slot.optional ? this.optionalWord(slot.words) : this.word(slot.words, ctx);
        if (w) node[slot.field] = w;
        return w?.value;
      }
      case 'size':
        node[slot.field] = this.size(slot.what, ctx);
        return undefined;
      case 'count': {
        const n = this.number(slot.what, false, ctx);
        if (slot.range) this.checkRange(n, kw, slot.what, slot.range);
        node[slot.field] = n;
        return undefined;
      }
      case 'signed':
        node[slot.field] = this.signedInt(slot.what, ctx ?? '');
        return undefined;
      case 'tagged':
        return this.flag(slot.word) ? this.readSlot(slot.slot, kw, prev, node) : undefined;
      case 'keyword':
        this.keyword(slot.word, ctx);
        return undefined;
      case 'range': {
        const range = this.optionalRange();
        if (range) node[slot.field] = range;
        return undefined;
      }
      case 'flag':
        node[slot.field] = this.flag(slot.word);
        return undefined;
      case 'target':
        node[slot.field] = this.target(slot.what, ctx);
        return undefined;
      default:
        return assertNever(slot);
    }
  }

  /** A value outside what the kernel call accepts: reported, kept (later stages see the statement). */
  private checkRange(n: A.NumberLit, kw: string, what: string, [lo, hi]: readonly [number, number]): void {
    if (n.value >= lo && n.value <= hi) return;
    this.report(n.span, `\`${kw}\` takes ${what} between ${lo} and ${hi}, not ${n.text}`);
  }

  /** The flags from `slots[from]` on, in any order, each at most once; returns the index after them. */
  private readFlags(slots: readonly AnySlot[], from: number, node: PendingStmt): number {
    let end = from;
    const flags: { field: string; word: string }[] = [];
    for (; end < slots.length; end++) {
      const slot = slots[end];
      if (slot.take !== 'flag') break;
      flags.push(slot);
      node[slot.field] = false;
    }
    for (;;) {
      const hit = flags.find((f) => node[f.field] === false && this.flag(f.word));
      if (!hit) return end;
      node[hit.field] = true;
    }
  }

  /** Statements with syntax of their own; dispatched by the table (statements.ts BESPOKE_PARSE). */
  private parseBespoke(kind: BespokeKind, kw: string, keyword: A.Span, depth: number): PendingStmt {
    switch (kind) {
      case 'Submit':
        return { keyword, ...this.parseSubmit(kw) };
      case 'Thread':
        return this.parseThread(kw, keyword, depth);
      case 'Fence':
        return this.parseFenceBody();
      case 'AttachDomain':
      case 'DetachDomain':
        return this.parseDomainAttach(kind, kw, keyword);
      default:
        return assertNever(kind);
    }
  }

  /** `attach_domain D dev` or `attach_domain D group G` (and the same for `detach_domain`). */
  private parseDomainAttach(kind: 'AttachDomain' | 'DetachDomain', kw: string, keyword: A.Span): PendingStmt {
    const domain = this.ident('a domain', `after \`${kw}\``);
    if (this.isWord('group') && this.peek(1).kind === 'Ident') {
      this.next();
      return { keyword, kind, domain, group: this.ident('an IOMMU group') } satisfies Omit<A.AttachDomainStmt | A.DetachDomainStmt, 'span'>;
    }
    const dev = this.ident('a device or `group GROUP`', `after \`${kw} ${domain.name}\``);
    return { keyword, kind, domain, dev } satisfies Omit<A.AttachDomainStmt | A.DetachDomainStmt, 'span'>;
  }

  /** `F1, F2, ...` (a newline may follow a comma). */
  private identList(what: string, context: string): A.Ident[] {
    const ids = [this.ident(what, context)];
    while (this.peek().kind === 'Comma') {
      this.next();
      this.skipNewlines();
      ids.push(this.ident(what, 'after `,`'));
    }
    return ids;
  }

  /** `fence (context C seqno N)? (userspace)?`. */
  private parseFenceBody(): PendingStmt {
    let context: A.Ident | undefined;
    let seqno: A.NumberLit | undefined;
    if (this.flag('context')) {
      context = this.ident('a context name', 'after `context` (`fence context C seqno N`)');
      this.keyword('seqno', `after \`context ${context.name}\` (\`fence context C seqno N\`)`);
      seqno = this.number('a sequence number', false, 'after `seqno`');
    }
    const userspace = this.flag('userspace');
    return { kind: 'Fence', ...(context ? { context, seqno } : {}), ...(userspace ? { userspace } : {}) } satisfies Omit<A.FenceStmt, 'span' | 'keyword' | 'name'>;
  }

  /** An integer without a unit, optionally preceded by `-`. */
  private signedInt(what: string, context: string): A.NumberLit {
    if (this.peek().kind !== 'Minus') return this.number(what, false, context);
    const minus = this.next().span;
    if (this.peek().span.start !== minus.end) {
      this.report(minus, `expected ${what} ${context}: write the \`-\` directly before the digits (\`-5\`)`);
      throw new Bail();
    }
    const n = this.number(what, false, context);
    return { ...n, value: -n.value, text: `-${n.text}`, span: { start: minus.start, end: n.span.end } };
  }

  private optionalRange(): A.Range | undefined {
    if (!this.isWord('at')) return undefined;
    const start = this.next().span.start;
    const offset = this.size('a byte offset', 'after `at`');
    this.keyword('size', 'after the offset (`at OFFSET size LENGTH`)');
    const size = this.size('a length', 'after `size`');
    return { kind: 'Range', offset, size, span: { start, end: size.span.end } };
  }

  /** What a device job touches: `iova DOMAIN ADDR` or the name of an sg table or a buffer. */
  private target(what: string, context: string | undefined): A.Target {
    if (this.isWord('iova') && this.peek(1).kind === 'Ident') {
      const start = this.next().span.start;
      const domain = this.ident('a domain');
      const addr = this.number('an IOVA', false, `after \`iova ${domain.name}\``);
      return { kind: 'Iova', domain, addr, span: { start, end: addr.span.end } };
    }
    const name = this.ident(what, context);
    return { kind: 'Object', name, span: name.span };
  }

  private parseSubmit(kw: string): Omit<A.SubmitStmt, 'span' | 'keyword'> {
    const dev = this.ident('a device', `after \`${kw}\``);
    const access = this.word(ACCESSES, `after \`${kw} ${dev.name}\``);
    const target = this.target('an sg table, a buffer or `iova DOMAIN ADDR`', `after \`${kw} ${dev.name} ${access.value}\``);
    const range = this.optionalRange();
    const walk = this.flag('walk') ? this.word(WALKS, 'after `walk`') : undefined;
    let after: A.Ident[] = [];
    if (this.flag('after')) after = this.identList('a fence', 'after `after`');
    const implicit = this.flag('implicit');
    let signal: A.Ident | undefined;
    if (this.flag('signal')) signal = this.ident('a name for the fence', 'after `signal`');
    return { kind: 'Submit', dev, access, target, ...(range ? { range } : {}), ...(walk ? { walk } : {}), after, implicit, ...(signal ? { signal } : {}) } satisfies Omit<A.SubmitStmt, 'span' | 'keyword'>;
  }

  private parseThread(kw: string, keyword: A.Span, depth: number): PendingStmt {
    if (depth + 1 > MAX_THREAD_DEPTH) {
      this.report(keyword, `\`${kw}\` blocks are nested too deeply (more than ${MAX_THREAD_DEPTH} levels)`);
      this.pos--; // let resync skip the whole block from its keyword
      throw new Bail();
    }
    const name = this.ident('a thread name', `after \`${kw}\``);
    const open = this.openBrace(`to open ${kw} \`${name.name}\``);
    const { items, span } = this.block(
      open,
      `${kw} \`${name.name}\``,
      () => this.parseStmt(depth + 1),
      (start) => this.errorStmt(start),
    );
    // The statement ends at its `}`: what follows on the line is checked by endStatement.
    const end = this.lastEnd;
    this.endStatement(`\`${kw}\``);
    this.lastEnd = end;
    return { kind: 'Thread', keyword, name, body: items, bodySpan: span } satisfies Omit<A.ThreadStmt, 'span'>;
  }
}
