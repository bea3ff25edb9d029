// The binder: parsed files in, bound model out. It makes the visible platforms (built-ins, those
// of imported files, the main file's own), flattens `extends`, and resolves every name of every
// scenario of the main file.
//
// Scoping decisions:
// - A scenario's names live in one namespace per scenario: a name is bound at most once in a
//   scenario, whether in main or in a thread.
// - A thread sees the names bound before its `thread` line. Names bound inside a thread are NOT
//   visible to main (or to later threads): main races with the thread, so nothing orders the
//   binding before main's use. Share objects by binding them before the thread.
// - Devices, IOMMUs and groups come from the scenario's platform, in their own namespaces, so a
//   buffer may be called like a device; a lookup only considers names of the kind it needs.
// Statements that mention a name that did not resolve are put in `broken` (the engine skips them);
// a name bound by a broken statement is "poisoned": later uses are broken too, without a second
// finding.
import type * as A from './ast';
import type { BoundCheck, BoundProgram, BoundScenario, ParsedFile, ResolvedPlatform, Symbol, SymbolKind } from './bound';
import { builtinsFor, type Builtins } from './builtins';
import { relatedAt } from './diagnostics';
import { lineAt } from '../common/message';
import { buildSpec, resolveSpec, withScenarioProfile, type PlatformContext, type PlatformSpec } from './platforms';
import { FindingSink, SymbolTable } from './symbols';
import { compareFindings, type Finding } from '../common/findings';
import { assertNever } from '../common/assert';
import { STATEMENTS, fill, type AnySlot, type TableStmt } from './statements';

export interface BindResult {
  readonly program: BoundProgram;
  /** Findings located in imported files: the caller reports them at the main file's imports. */
  readonly foreign: readonly { readonly file: ParsedFile; readonly finding: Finding }[];
}

/** Binds `main` with the platforms of `imported` (every file reachable by import, in order). */
export function bind(main: ParsedFile, imported: readonly ParsedFile[]): BindResult {
  const base = builtinsFor([main, ...imported].map((f) => f.source.text));
  const symbols = new SymbolTable(base.table.next, base.table);
  const sink = new FindingSink();
  const ctx: PlatformContext = { symbols, sink };
  const { platforms, specs } = resolvePlatforms(ctx, base, main, imported);
  const scenarios = bindScenarios(ctx, main, platforms, specs);
  const checks = bindChecks(ctx, main, platforms, specs);

  const files = new Map<string, ParsedFile>([[main.source.path, main]]);
  for (const f of imported) files.set(f.source.path, f);
  for (const [p, f] of base.files) files.set(p, f);
  // The program's table starts with the built-ins' references (see SymbolTable): no second copy.
  const refs = symbols.refs;

  const own = sink.items.filter((i) => i.file === main).map((i) => i.finding);
  const findings = [...main.findings, ...own].sort(compareFindings);
  const foreign = sink.items.filter((i) => i.file !== main);
  return {
    program: {
      main: main.source.path,
      files,
      platforms,
      scenarios,
      checks,
      refs,
      symbols: [...base.symbols, ...symbols.symbols],
      findings,
    },
    foreign,
  };
}

// ---------------------------------------------------------------------------------------------
// Platforms

interface PlatformSource {
  readonly file: ParsedFile;
  readonly decl: A.PlatformDecl;
}

function resolvePlatforms(ctx: PlatformContext, base: Builtins, main: ParsedFile, imported: readonly ParsedFile[]): { platforms: Map<string, ResolvedPlatform>; specs: ReadonlyMap<string, PlatformSpec> } {
  const decls = new Map<string, PlatformSource>();
  for (const file of [...imported, main]) {
    for (const decl of file.ast.items) {
      if (decl.kind !== 'Platform' || decl.name.name === '') continue;
      const name = decl.name.name;
      const prior = decls.get(name);
      if (base.platforms.has(name) || prior) {
        const where = prior ? [relatedAt(prior.file.source, prior.decl.name.span, 'first declared here')] : [];
        const what = prior ? 'already declared' : 'a built-in platform';
        ctx.sink.report(file, 'NAME', decl.name.span, `platform \`${name}\` is ${what}: give this one another name (it may \`extends ${name}\`)`, where);
        continue;
      }
      decls.set(name, { file, decl });
    }
  }

  const specs = new Map<string, PlatformSpec>(base.specs);
  for (const name of decls.keys()) specFor(ctx, name, decls, specs);

  const resolved = new Map<string, ResolvedPlatform>(base.platforms);
  for (const name of decls.keys()) {
    const spec = specs.get(name);
    if (spec) resolved.set(name, resolveSpec(ctx, spec));
  }
  return { platforms: resolved, specs };
}

/**
 * Builds the spec of `name` and of the platforms it extends, bottom-up, without recursion (an
 * `extends` chain can be as long as the file). Unknown bases and cycles are reported at the
 * `extends` name and the platform is built without a base.
 */
function specFor(ctx: PlatformContext, name: string, decls: Map<string, PlatformSource>, specs: Map<string, PlatformSpec>): void {
  const chain: PlatformSource[] = [];
  const onChain = new Set<string>();
  let cur: string | undefined = name;
  let baseSpec: PlatformSpec | undefined;
  while (cur !== undefined && !specs.has(cur)) {
    const src = decls.get(cur);
    if (!src) break;
    chain.push(src);
    onChain.add(cur);
    const ext: A.Ident | undefined = src.decl.extends;
    if (!ext) {
      cur = undefined;
      break;
    }
    if (onChain.has(ext.name)) {
      // Every platform on the cycle is wrong in the same way: say so at each `extends`.
      const cycle = chain.slice(chain.findIndex((c) => c.decl.name.name === ext.name));
      const names = cycle.map((c) => `\`${c.decl.name.name}\``).join(' → ');
      for (const c of cycle) {
        ctx.sink.report(c.file, 'NAME', c.decl.extends!.span, `\`extends\` forms a cycle (${names} → \`${ext.name}\`): a platform cannot extend itself`);
      }
      cur = undefined;
      break;
    }
    if (!specs.has(ext.name) && !decls.has(ext.name)) {
      ctx.sink.report(src.file, 'NAME', ext.span, `unknown platform \`${ext.name}\`${knownList(decls, specs)}`);
      cur = undefined;
      break;
    }
    cur = ext.name;
  }
  if (cur !== undefined) baseSpec = specs.get(cur);
  for (let i = chain.length - 1; i >= 0; i--) {
    const spec = buildSpec(ctx, chain[i].file, chain[i].decl, baseSpec);
    specs.set(spec.name, spec);
    baseSpec = spec;
  }
}

function knownList(decls: Map<string, PlatformSource>, specs: Map<string, PlatformSpec>): string {
  const names = [...new Set([...specs.keys(), ...decls.keys()])].sort();
  return names.length ? ` (known platforms: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''})` : '';
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const KIND_WORDS: Record<SymbolKind, string> = {
  platform: 'a platform',
  scenario: 'a scenario',
  device: 'a device',
  bar: 'a BAR',
  iommu: 'an IOMMU',
  group: 'an IOMMU group',
  host_bridge: 'a host bridge',
  switch: 'a switch',
  exporter: 'an exporter description',
  buffer: 'a buffer',
  attachment: 'an attachment',
  sgt: 'an sg table',
  fence: 'a fence',
  domain: 'a domain',
  vmap: 'a vmap or mmap',
  memory: 'driver memory',
  table: 'a driver-built sg table',
  iova: 'an IOVA state',
  ioas: 'an IOAS',
  thread: 'a thread',
};

function bindScenarios(ctx: PlatformContext, main: ParsedFile, platforms: Map<string, ResolvedPlatform>, specs: ReadonlyMap<string, PlatformSpec>): BoundScenario[] {
  const out: BoundScenario[] = [];
  const seen = new Map<string, A.ScenarioDecl>();
  for (const item of main.ast.items) {
    if (item.kind !== 'Scenario') continue;
    const prior = seen.get(item.name.name);
    if (prior) {
      ctx.sink.report(main, 'NAME', item.name.span, `scenario \`${item.name.name}\` is declared twice in this file`, [
        relatedAt(main.source, prior.name.span, 'first declared here'),
      ]);
    } else {
      seen.set(item.name.name, item);
    }
    out.push(new ScenarioBinder(ctx, main, item, platforms, specs).run());
  }
  return out;
}

/** `check` items: the platform (with the item's kernel) and which device each role names. */
function bindChecks(ctx: PlatformContext, main: ParsedFile, platforms: Map<string, ResolvedPlatform>, specs: ReadonlyMap<string, PlatformSpec>): BoundCheck[] {
  const out: BoundCheck[] = [];
  for (const item of main.ast.items) {
    if (item.kind !== 'Check') continue;
    const base = platforms.get(item.platform.name);
    const spec = base && specs.get(base.name);
    const platform = base && item.kernel && spec ? withScenarioProfile(ctx, main, base, spec, item.kernel) : base;
    if (!platform) {
      const names = [...platforms.keys()].sort();
      ctx.sink.report(main, 'NAME', item.platform.span, `unknown platform \`${item.platform.name}\` (known platforms: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''})`);
      out.push({ decl: item, file: main.source.path, roles: new Map() });
      continue;
    }
    ctx.symbols.ref(item.platform, platform.symbol);
    const roles = new Map<string, string>();
    for (const role of item.roles) {
      const dev = platform.devices.get(role.device.name);
      if (!dev) {
        ctx.sink.report(main, 'NAME', role.device.span, `platform \`${platform.name}\` has no device \`${role.device.name}\``);
        continue;
      }
      ctx.symbols.ref(role.device, dev.symbol);
      roles.set(role.name.name, dev.name);
    }
    const writer = item.pendingWrite;
    const writerDev = writer ? platform.devices.get(writer.name) : undefined;
    if (writer && !writerDev) ctx.sink.report(main, 'NAME', writer.span, `platform \`${platform.name}\` has no device \`${writer.name}\``);
    if (writer && writerDev) ctx.symbols.ref(writer, writerDev.symbol);
    out.push({ decl: item, file: main.source.path, platform, roles, ...(writerDev ? { pendingWrite: writerDev.name } : {}) });
  }
  return out;
}

interface Binding {
  readonly sym: Symbol | undefined;
  /** Bound by a statement that did not bind: uses are skipped without a second finding. */
  readonly poisoned: boolean;
  /** Order of binding within the scenario, for the thread visibility rule. */
  readonly seq: number;
  /** For exported buffers: the exporting device (MEM of `move` must be one of its BARs). */
  readonly exporter?: string;
  /** For fences built from other fences: they signal when their members do, never by hand. */
  readonly container?: A.StmtKind;
}

/** Names visible at one point: a thread sees its parent's names bound before the thread started. */
class Scope {
  private readonly names = new Map<string, Binding>();
  constructor(
    private readonly parent?: Scope,
    private readonly parentLimit = 0,
  ) {}

  get(name: string, limit = Infinity): Binding | undefined {
    const own = this.names.get(name);
    if (own && own.seq < limit) return own;
    return this.parent?.get(name, this.parentLimit);
  }

  set(name: string, b: Binding): void {
    this.names.set(name, b);
  }
}

interface Declared {
  readonly ident: A.Ident;
  readonly thread?: string;
}

class ScenarioBinder {
  private readonly platform: ResolvedPlatform | undefined;
  private readonly broken = new Set<A.Stmt>();
  /** Every name bound anywhere in the scenario (first binding), for "used before bound" and threads. */
  private readonly declared = new Map<string, Declared>();
  /** Names bound so far (any scope), for "bound twice". */
  private readonly boundSoFar = new Map<string, A.Ident>();
  private seq = 0;
  private stmt!: A.Stmt;
  private thread: string | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly file: ParsedFile,
    private readonly decl: A.ScenarioDecl,
    platforms: Map<string, ResolvedPlatform>,
    specs: ReadonlyMap<string, PlatformSpec>,
  ) {
    const platform = decl.platform.name === '' ? undefined : platforms.get(decl.platform.name);
    const spec = platform && specs.get(platform.name);
    this.platform = platform && decl.kernel && spec ? withScenarioProfile(ctx, file, platform, spec, decl.kernel) : platform;
    if (this.platform) {
      ctx.symbols.ref(decl.platform, this.platform.symbol);
    } else if (decl.platform.name !== '') {
      const names = [...platforms.keys()].sort();
      this.report(decl.platform, `unknown platform \`${decl.platform.name}\` (known platforms: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''})`);
    }
  }

  private get name(): string {
    return this.decl.name.name;
  }

  run(): BoundScenario {
    const symbol = this.ctx.symbols.declare('scenario', this.decl.name, this.file, this.decl);
    this.collectDeclared();
    this.bindBody(this.decl.body, new Scope());
    return {
      name: this.name,
      symbol,
      decl: this.decl,
      file: this.file.source.path,
      ...(this.platform ? { platform: this.platform } : {}),
      body: this.decl.body,
      broken: this.broken,
    };
  }

  private report(ident: A.Ident | A.Span, message: string, related: { span: A.Span; message: string }[] = []): void {
    const span = 'span' in ident ? ident.span : ident;
    this.ctx.sink.report(this.file, 'NAME', span, message, related.map((r) => relatedAt(this.file.source, r.span, r.message)), this.name);
  }

  /** Every binding name in the scenario, with the thread it is bound in (iterative walk). */
  private collectDeclared(): void {
    const stack: { body: readonly A.Stmt[]; thread?: string }[] = [{ body: this.decl.body }];
    while (stack.length) {
      const { body, thread } = stack.pop()!;
      for (const s of body) {
        for (const ident of bindersOf(s)) {
          if (!this.declared.has(ident.name)) this.declared.set(ident.name, { ident, ...(thread ? { thread } : {}) });
        }
        if (s.kind === 'Thread') stack.push({ body: s.body, thread: s.name.name });
      }
    }
  }

  private bindBody(body: readonly A.Stmt[], scope: Scope): void {
    for (const s of body) {
      this.stmt = s;
      this.bindStmt(s, scope);
    }
  }

  private markBroken(): void {
    this.broken.add(this.stmt);
  }

  /** Binds a new name of `kind`; reports a second binding of the same name. */
  private bindName(scope: Scope, ident: A.Ident, kind: SymbolKind, extra: { exporter?: string; container?: A.StmtKind } = {}): void {
    const prior = this.boundSoFar.get(ident.name);
    if (prior) {
      this.report(ident, `\`${ident.name}\` is bound twice in scenario \`${this.name}\`: use a new name`, [{ span: prior.span, message: 'first bound here' }]);
      this.markBroken();
      return;
    }
    this.boundSoFar.set(ident.name, ident);
    const sym = this.ctx.symbols.declare(kind, ident, this.file, this.stmt, this.name, false);
    scope.set(ident.name, { sym, poisoned: this.broken.has(this.stmt), seq: this.seq++, ...extra });
  }

  private poison(scope: Scope, ident: A.Ident): void {
    if (this.boundSoFar.has(ident.name)) return;
    this.boundSoFar.set(ident.name, ident);
    scope.set(ident.name, { sym: undefined, poisoned: true, seq: this.seq++ });
  }

  /** Resolves a scenario name that must be one of `kinds`; `role` says what the statement needs. */
  private use(scope: Scope, ident: A.Ident, kinds: readonly SymbolKind[], role: string): Binding | undefined {
    if (ident.name === '') {
      this.markBroken();
      return undefined;
    }
    const b = scope.get(ident.name);
    if (b) {
      if (b.sym) this.ctx.symbols.ref(ident, b.sym);
      if (b.poisoned || !b.sym) {
        this.markBroken();
        return undefined;
      }
      if (!kinds.includes(b.sym.kind)) {
        this.report(ident, `\`${ident.name}\` is ${KIND_WORDS[b.sym.kind]}; ${role}`, [{ span: b.sym.span, message: 'bound here' }]);
        this.markBroken();
        return undefined;
      }
      return b;
    }
    this.markBroken();
    this.report(ident, this.unboundMessage(ident, role), this.unboundRelated(ident));
    return undefined;
  }

  private unboundMessage(ident: A.Ident, role: string): string {
    const d = this.declared.get(ident.name);
    if (d && d.thread && d.thread !== this.thread) {
      return `\`${ident.name}\` is bound inside thread \`${d.thread}\`, which runs concurrently: it is not visible here (bind it before the thread to share it)`;
    }
    if (d && d.ident.span.start >= ident.span.start) {
      return `\`${ident.name}\` is used before it is bound (it is bound on line ${lineAt(d.ident.span.start)})`;
    }
    if (d) return `\`${ident.name}\` is not visible here: a thread sees only the names bound before its \`thread\` line`;
    const hw = this.hardwareKind(ident.name);
    if (hw) return `\`${ident.name}\` is ${KIND_WORDS[hw]} of platform \`${this.platform?.name}\`; ${role}`;
    return `unknown name \`${ident.name}\`: ${role}`;
  }

  private unboundRelated(ident: A.Ident): { span: A.Span; message: string }[] {
    const d = this.declared.get(ident.name);
    return d && d.ident !== ident ? [{ span: d.ident.span, message: 'bound here' }] : [];
  }

  private hardwareKind(name: string): SymbolKind | undefined {
    const p = this.platform;
    if (!p) return undefined;
    if (p.devices.has(name)) return 'device';
    if (p.iommus.has(name)) return 'iommu';
    if (p.groups.has(name)) return 'group';
    if (p.switches.has(name)) return 'switch';
    if (p.hostBridges.has(name)) return 'host_bridge';
    return undefined;
  }

  private hardware(scope: Scope, ident: A.Ident, kind: 'device' | 'iommu' | 'group', role: string): Symbol | undefined {
    const p = this.platform;
    if (!p || ident.name === '') {
      // The platform is unknown (already reported): nothing on it can resolve.
      this.markBroken();
      return undefined;
    }
    const table = kind === 'device' ? p.devices : kind === 'iommu' ? p.iommus : p.groups;
    const found = table.get(ident.name);
    if (found) {
      this.ctx.symbols.ref(ident, found.symbol);
      return found.symbol;
    }
    this.markBroken();
    const other = scope.get(ident.name)?.sym ?? undefined;
    const hw = this.hardwareKind(ident.name);
    const what = other ? KIND_WORDS[other.kind] : hw ? `${KIND_WORDS[hw]}` : undefined;
    const known = [...table.keys()].sort().join(', ');
    const msg = what
      ? `\`${ident.name}\` is ${what}; ${role}`
      : `platform \`${p.name}\` has no ${kind === 'group' ? 'IOMMU group' : kind === 'iommu' ? 'IOMMU' : 'device'} \`${ident.name}\`${known ? ` (it has: ${known})` : ''}`;
    this.report(ident, msg);
    return undefined;
  }

  /** MEM: `system` or a BAR of `device`. */
  private mem(ident: A.Ident, device: string | undefined, role: string): void {
    if (ident.name === 'system') return;
    const dev = device ? this.platform?.devices.get(device) : undefined;
    if (!dev) {
      if (device === undefined && this.platform) {
        this.report(ident, `\`${ident.name}\` is not \`system\`: ${role}, and this buffer comes from a heap, which has no BAR`);
      }
      this.markBroken();
      return;
    }
    const bar = dev.bars.get(ident.name);
    if (bar) {
      this.ctx.symbols.ref(ident, bar.symbol);
      return;
    }
    const bars = [...dev.bars.keys()];
    this.report(ident, `\`${ident.name}\` is not a BAR of \`${dev.name}\`: ${role} (${bars.length ? `its BARs: ${bars.join(', ')}` : 'it has no BAR'})`);
    this.markBroken();
  }

  /**
   * A fence the scenario completes by hand (`signal`, `set_error`): a container signals when its
   * members do, so naming one is a name of the wrong kind.
   */
  private ownFence(scope: Scope, id: A.Ident, kinds: readonly SymbolKind[], needs: string, kw: string): Binding | undefined {
    const b = this.use(scope, id, kinds, needs);
    if (!b?.container || !b.sym) return b;
    this.report(id, `\`${id.name}\` is a ${b.container === 'FenceArray' ? 'fence array' : 'fence chain'}: it signals when its fences do, so \`${kw}\` needs a fence it completes itself (one of its members)`, [{ span: b.sym.span, message: 'bound here' }]);
    this.markBroken();
    return undefined;
  }

  private bindStmt(s: A.Stmt, scope: Scope): void {
    switch (s.kind) {
      case 'Thread':
        return this.bindThread(s, scope);
      case 'Error':
        this.markBroken();
        if (s.binds) this.poison(scope, s.binds);
        return;
      default:
        return this.bindFromTable(s, scope);
    }
  }

  /**
   * Checks every name operand against the kinds its table slot allows (statements.ts), in source
   * order, then binds what the statement binds. MEM is a BAR of the device named before it, or of
   * the exporter of the buffer named before it.
   */
  private bindFromTable(s: TableStmt, scope: Scope): void {
    const spec = STATEMENTS[s.kind];
    const kw = this.file.source.text.slice(s.keyword.start, s.keyword.end);
    let owner: { device: string } | { buffer: Binding | undefined } | undefined;
    let exporter: string | undefined;
    for (const slot of operandSlots(spec.slots)) {
      const value = fieldOf(s, slot.field);
      if (value === undefined) continue;
      switch (slot.take) {
        case 'name':
          for (const id of identsOf(value)) {
            const needs = fill(slot.needs ?? needsText(slot.of), kw);
            const b = slot.own ? this.ownFence(scope, id, slot.of, needs, kw) : this.use(scope, id, slot.of, needs);
            owner = { buffer: b };
          }
          break;
        case 'hardware': {
          const id = value as A.Ident;
          const found = this.hardware(scope, id, slot.of, fill(slot.needs ?? needsText([slot.of]), kw));
          if (slot.of === 'device') owner = { device: found ? id.name : '' };
          if (found && slot.exporter) exporter = id.name;
          break;
        }
        case 'mem':
          this.memOf(value as A.Ident, owner, fill(slot.needs, kw));
          break;
        case 'target': {
          const t = value as A.Target;
          if (t.kind === 'Iova') this.use(scope, t.domain, slot.via, `\`${kw} … iova\` needs ${slot.via.map((v) => KIND_WORDS[v]).join(' or ')}`);
          else this.use(scope, t.name, slot.of, fill(slot.needs, kw));
          break;
        }
        case 'binds':
          this.bindName(scope, value as A.Ident, slot.of);
          break;
        default:
          assertNever(slot);
      }
    }
    if (spec.binds && 'name' in s) this.bindName(scope, s.name, spec.binds, { ...(exporter ? { exporter } : {}), ...(spec.container ? { container: s.kind } : {}) });
  }

  /** MEM after the device or buffer that owns it; a buffer that did not resolve breaks the statement. */
  private memOf(ident: A.Ident, owner: { device: string } | { buffer: Binding | undefined } | undefined, role: string): void {
    if (owner && 'device' in owner) return this.mem(ident, owner.device, role);
    if (owner?.buffer) return this.mem(ident, owner.buffer.exporter, role);
    this.markBroken();
  }

  private bindThread(s: A.ThreadStmt, scope: Scope): void {
    const kind = STATEMENTS.Thread.binds;
    if (kind) this.bindName(scope, s.name, kind);
    const inner = new Scope(scope, this.seq);
    const outerThread = this.thread;
    this.thread = s.name.name;
    this.bindBody(s.body, inner);
    this.thread = outerThread;
    this.stmt = s;
  }
}

/** The names a statement binds: `NAME =` and its `binds` slots (statements.ts), or a thread's name. */
function bindersOf(s: A.Stmt): A.Ident[] {
  if (s.kind === 'Error') return s.binds ? [s.binds] : [];
  const spec = STATEMENTS[s.kind];
  const out: A.Ident[] = spec.binds && 'name' in s ? [s.name] : [];
  for (const slot of operandSlots(spec.slots)) {
    const value = fieldOf(s, slot.field);
    if (slot.take === 'binds' && value !== undefined) out.push(value as A.Ident);
  }
  return out;
}

/** A statement's field by the name its table slot gives (statements.ts types the names per kind). */
function fieldOf(s: A.Stmt, field: string): unknown {
  return Reflect.get(s, field);
}

/** The slots that hold a name (a tagged slot's inner one included), in source order. */
function operandSlots(slots: readonly AnySlot[]): NameSlot[] {
  const out: NameSlot[] = [];
  for (const slot of slots) {
    const inner = slot.take === 'tagged' ? slot.slot : slot;
    if (isNameSlot(inner)) out.push(inner);
  }
  return out;
}

type NameSlot = Extract<AnySlot, { take: 'name' | 'hardware' | 'mem' | 'target' | 'binds' }>;

function isNameSlot(slot: AnySlot): slot is NameSlot {
  return slot.take === 'name' || slot.take === 'hardware' || slot.take === 'mem' || slot.take === 'target' || slot.take === 'binds';
}

function identsOf(value: unknown): readonly A.Ident[] {
  return Array.isArray(value) ? value : [value as A.Ident];
}

/** The default reason a name of the wrong kind is wrong here: "`{kw}` needs a buffer or a fence". */
function needsText(kinds: readonly SymbolKind[]): string {
  return `\`{kw}\` needs ${kinds.map((k) => KIND_WORDS[k]).join(' or ')}`;
}
