// Quick fixes for the common findings: add `dynamic` / `peer2peer` to an attach; bracket a CPU
// access with begin_cpu/end_cpu in the direction of the access; order a race with `after F`
// (or `wait F` for the CPU); add the missing unmap / detach / put / unpin / vunmap / unlock;
// switch between map and map_unlocked, or take the reservation lock around the call.
import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver';
import type { AttachStmt, Ident, Stmt } from '../../language/ast';
import type { Symbol } from '../../language/bound';
import type { ServerContext } from '../context';
import type { DocState } from '../documents';
import { guard } from '../request';
import { keywordWith } from '../../language/statements';
import { showAsScenario } from './cScenario';

export function register(ctx: ServerContext): void {
  ctx.connection.onCodeAction(
    guard(ctx.log, 'codeAction', [] as CodeAction[], (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      if (!doc) {
        const c = ctx.cChecks.doc(p.textDocument.uri);
        return c ? p.context.diagnostics.flatMap((d) => showAsScenario(c, d)) : [];
      }
      return p.context.diagnostics.flatMap((d) => fixesFor(doc, d));
    }),
  );
}

const str = (d: Diagnostic): string => (typeof d.code === 'string' ? d.code : String(d.code ?? ''));

export function fixesFor(doc: DocState, d: Diagnostic): CodeAction[] {
  if (d.source !== undefined && d.source !== 'dmabuf') return [];
  const stmt = statementAt(doc, doc.lines.offset(d.range.start));
  if (!stmt) return [];
  const code = str(d);
  const fixes: CodeAction[] = [];
  const fix = (title: string, edits: TextEdit[], preferred = false): void => {
    fixes.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: preferred, edit: { changes: { [doc.uri]: edits } } });
  };

  if (/^(P2P-0[1-4]|ATT-01|PIN-01|MAP-06|MOVE-01)$/.test(code) || (code === 'MAP-05' && stmt.kind !== 'Submit')) {
    const attach = attachFor(doc, stmt);
    if (attach) {
      const at = attach.dev.span.end;
      if (!attach.dynamic && code !== 'MAP-06') fix('Attach as a dynamic importer (add `dynamic`)', [insert(doc, at, ' dynamic')], code !== 'P2P-02');
      if (/^P2P-0[1-4]$/.test(code) && !attach.peer2peer) fix(`Accept peer-to-peer tables (add ${attach.dynamic ? '`peer2peer`' : '`dynamic peer2peer`'})`, [insert(doc, at, attach.dynamic ? ' peer2peer' : ' dynamic peer2peer')], true);
    }
  }
  if (code === 'CPU-02' && stmt.kind === 'CpuAccess') {
    const buf = bufferOfName(doc, stmt.vmap);
    if (buf) {
      const dir = stmt.access.value;
      fix(`Bracket the access with begin_cpu/end_cpu ${buf} ${dir}`, [insertLineBefore(doc, stmt, `begin_cpu ${buf} ${dir}`), insertLineAfter(doc, stmt, `end_cpu ${buf} ${dir}`)], true);
    }
  }
  if (code === 'CPU-04' && (stmt.kind === 'BeginCpu' || stmt.kind === 'EndCpu') && stmt.dir.value !== 'rw') {
    fix(`Use the direction \`rw\` (the CPU both reads and writes)`, [replace(doc, stmt.dir.span, 'rw')], true);
  }
  if (code === 'RACE-01') fixes.push(...raceFixes(doc, d, stmt));
  if (code === 'LEAK-01' || code === 'DMAAPI-05') {
    const release = releaseFor(stmt);
    if (release) fix(`Add the missing \`${release}\` at the end of the scenario`, [insertAtBlockEnd(doc, stmt, release)], true);
  }
  if (code === 'MAP-01' || code === 'PIN-01' || code === 'VMAP-01' || code === 'RESV-04' || code === 'HANG-01') fixes.push(...lockFixes(doc, d, stmt));
  return fixes;
}

// ---- locking ---------------------------------------------------------------------------------

/** The locked and `_unlocked` keywords of a statement that has both (statements.ts). */
function unlockedTwin(stmt: Stmt): [string, string] | undefined {
  if (stmt.kind === 'Error') return undefined;
  const locked = keywordWith(stmt.kind, { unlocked: false });
  const unlocked = keywordWith(stmt.kind, { unlocked: true });
  return locked && unlocked ? [locked, unlocked] : undefined;
}

function lockFixes(doc: DocState, d: Diagnostic, stmt: Stmt): CodeAction[] {
  const out: CodeAction[] = [];
  const twin = unlockedTwin(stmt);
  const action = (title: string, edits: TextEdit[], preferred: boolean): CodeAction => ({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: preferred, edit: { changes: { [doc.uri]: edits } } });
  if (twin && 'unlocked' in stmt) {
    const [locked, unlocked] = twin;
    if (stmt.unlocked) out.push(action(`Use \`${locked}\` (the caller already holds the reservation lock)`, [replace(doc, stmt.keyword, locked)], true));
    else {
      out.push(action(`Use \`${unlocked}\` (takes the reservation lock itself)`, [replace(doc, stmt.keyword, unlocked)], true));
      const buf = bufferOfStmt(doc, stmt);
      if (buf) out.push(action(`Take the reservation lock around it (lock ${buf} … unlock ${buf})`, [insertLineBefore(doc, stmt, `lock ${buf}`), insertLineAfter(doc, stmt, `unlock ${buf}`)], false));
    }
  } else if (stmt.kind === 'Pin' || stmt.kind === 'Unpin' || stmt.kind === 'ResvAdd') {
    const buf = bufferOfStmt(doc, stmt);
    if (buf) out.push(action(`Take the reservation lock around it (lock ${buf} … unlock ${buf})`, [insertLineBefore(doc, stmt, `lock ${buf}`), insertLineAfter(doc, stmt, `unlock ${buf}`)], true));
  }
  return out;
}

// ---- races -------------------------------------------------------------------------------------

let fenceCounter = 0;

function raceFixes(doc: DocState, d: Diagnostic, stmt: Stmt): CodeAction[] {
  const other = (d.relatedInformation ?? [])
    .filter((r) => r.location.uri === doc.uri)
    .map((r) => statementAt(doc, doc.lines.offset(r.location.range.start)))
    .find((s): s is Stmt => s !== undefined && s !== stmt);
  if (!other) return [];
  // Order the later statement after the earlier one.
  const [first, second] = other.span.start < stmt.span.start ? [other, stmt] : [stmt, other];
  const edits: TextEdit[] = [];
  let fence: string | undefined;
  if (first.kind === 'Submit') {
    if (first.signal) fence = first.signal.name;
    else {
      fence = freshFenceName(doc, `${first.dev.name}_done`);
      edits.push(insert(doc, first.span.end, ` signal ${fence}`));
    }
  } else return [];
  if (second.kind === 'Submit') {
    edits.push(second.after.length ? insert(doc, second.after[second.after.length - 1].span.end, `, ${fence}`) : insert(doc, second.target.span.end + rangeTail(second), ` after ${fence}`));
  } else if (second.kind === 'CpuAccess' || second.kind === 'BeginCpu' || second.kind === 'Vmap' || second.kind === 'Mmap') {
    edits.push(insertLineBefore(doc, second, `wait ${fence}`));
  } else return [];
  return [{ title: `Order them: ${second.kind === 'Submit' ? `add \`after ${fence}\`` : `\`wait ${fence}\` first`}`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [doc.uri]: edits } } }];
}

/** The submit's range clause sits between the target and `after`: insert after it. */
function rangeTail(s: Stmt & { kind: 'Submit' }): number {
  return s.range ? s.range.span.end - s.target.span.end : 0;
}

function freshFenceName(doc: DocState, base: string): string {
  const taken = new Set((doc.front.program?.symbols ?? []).map((s) => s.name));
  let name = base;
  while (taken.has(name)) name = `${base}${++fenceCounter}`;
  return name;
}

// ---- leaks -------------------------------------------------------------------------------------

function releaseFor(stmt: Stmt): string | undefined {
  switch (stmt.kind) {
    case 'Export':
    case 'Heap':
    case 'Udmabuf':
      return `put ${stmt.name.name}`;
    case 'Get':
      return `put ${stmt.buf.name}`;
    case 'Attach':
      return `detach ${stmt.name.name}`;
    case 'Pin':
      return `unpin ${stmt.att.name}`;
    case 'Map':
      return `${keywordWith('Unmap', { unlocked: stmt.unlocked })} ${stmt.name.name}`;
    case 'DmaMap':
      return `dma_unmap ${stmt.name.name}`;
    case 'DmaAllocCoherent':
      return `free ${stmt.name.name}`;
    case 'Vmap':
      return `${keywordWith('Vunmap', { unlocked: stmt.unlocked })} ${stmt.name.name}`;
    case 'Mmap':
      return `munmap ${stmt.name.name}`;
    case 'Lock':
      return `unlock ${stmt.buf.name}`;
    default:
      return undefined;
  }
}

// ---- helpers -----------------------------------------------------------------------------------

function statementAt(doc: DocState, offset: number): Stmt | undefined {
  let c = doc.front.syntax?.contextAt(offset);
  // A thread's span covers its body; a finding at the thread keyword means the thread itself.
  while (c && c.kind === 'Thread' && c.keyword && !(c.keyword.start <= offset && offset <= c.keyword.end)) c = c.parent;
  return c && c.kind !== 'Scenario' && c.kind !== 'Platform' ? (c.node as unknown as Stmt) : undefined;
}

function symbolOf(doc: DocState, ident: Ident): Symbol | undefined {
  return doc.front.program?.refs.get(ident);
}

function declOf(doc: DocState, ident: Ident): Stmt | undefined {
  const decl = symbolOf(doc, ident)?.decl as Stmt | undefined;
  return decl && typeof decl.kind === 'string' ? decl : undefined;
}

/** The attach statement behind a statement (itself, or the attach of the attachment / sg_table it uses). */
function attachFor(doc: DocState, stmt: Stmt): AttachStmt | undefined {
  if (stmt.kind === 'Attach') return stmt;
  const viaAtt = (att: Ident): AttachStmt | undefined => {
    const d = declOf(doc, att);
    return d?.kind === 'Attach' ? d : undefined;
  };
  if ('att' in stmt) return viaAtt(stmt.att);
  if ('sgt' in stmt) {
    const m = declOf(doc, stmt.sgt);
    return m?.kind === 'Map' ? viaAtt(m.att) : undefined;
  }
  if (stmt.kind === 'Submit' && stmt.target.kind === 'Object') {
    const m = declOf(doc, stmt.target.name);
    return m?.kind === 'Map' ? viaAtt(m.att) : undefined;
  }
  return undefined;
}

/** The buffer name behind a vmap/mmap name. */
function bufferOfName(doc: DocState, vmap: Ident): string | undefined {
  const d = declOf(doc, vmap);
  return d && (d.kind === 'Vmap' || d.kind === 'Mmap') ? d.buf.name : undefined;
}

function bufferOfStmt(doc: DocState, stmt: Stmt): string | undefined {
  if ('buf' in stmt && stmt.kind !== 'DmaMap') return stmt.buf.name;
  if (stmt.kind === 'Vunmap') return bufferOfName(doc, stmt.vmap);
  const attach = attachFor(doc, stmt);
  return attach?.buf.name;
}

function indentOf(doc: DocState, offset: number): string {
  const line = doc.lines.lineText(doc.lines.position(offset).line);
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function eol(doc: DocState): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}

function insert(doc: DocState, offset: number, text: string): TextEdit {
  const pos = doc.lines.position(offset);
  return { range: { start: pos, end: pos }, newText: text };
}

function replace(doc: DocState, span: { start: number; end: number }, text: string): TextEdit {
  return { range: doc.lines.range(span), newText: text };
}

function insertLineBefore(doc: DocState, stmt: Stmt, line: string): TextEdit {
  const pos = { line: doc.lines.position(stmt.span.start).line, character: 0 };
  return { range: { start: pos, end: pos }, newText: `${indentOf(doc, stmt.span.start)}${line}${eol(doc)}` };
}

function insertLineAfter(doc: DocState, stmt: Stmt, line: string): TextEdit {
  const last = doc.lines.position(stmt.span.end).line;
  const pos = { line: last, character: doc.lines.lineText(last).length };
  return { range: { start: pos, end: pos }, newText: `${eol(doc)}${indentOf(doc, stmt.span.start)}${line}` };
}

/** Before the closing brace of the block (scenario or thread) holding the statement. */
function insertAtBlockEnd(doc: DocState, stmt: Stmt, line: string): TextEdit {
  let c = doc.front.syntax?.contextAt(stmt.span.start);
  while (c && c.kind !== 'Scenario' && !(c.kind === 'Thread' && c.node !== (stmt as unknown))) c = c.parent;
  const blockEnd = c ? c.span.end : doc.text.length;
  // The closing brace is the last character of the block's span.
  const close = Math.max(0, blockEnd - 1);
  const closePos = doc.lines.position(close);
  const indent = indentOf(doc, stmt.span.start);
  if (doc.lines.lineText(closePos.line).slice(0, closePos.character).trim() === '') {
    const pos = { line: closePos.line, character: 0 };
    return { range: { start: pos, end: pos }, newText: `${indent}${line}${eol(doc)}` };
  }
  // `... }` on one line: the release goes on a line of its own before the brace.
  return { range: { start: closePos, end: closePos }, newText: `${eol(doc)}${indent}${line}${eol(doc)}` };
}
