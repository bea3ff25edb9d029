// The paths through one C function, as sequences of the modelled kernel calls. Branches: if/else,
// switch cases, early returns, `goto` to a label of the function body (the unwind ladders), loops
// taken 0, 1 and 2 times. A condition on a modelled call's result (`IS_ERR(x)`, `!x`, `if (ret)`,
// `ret < 0`) decides whether the call failed on that path (a failed call creates nothing); any
// other condition takes both branches, except that one tested again on the same path, with no
// assignment to its variables in between, takes the same branch, and a flag set on the path
// (`pinned = true`) is known where it is tested. At most MAX_PATHS per function.
import type { CNode } from './c-syntax';
import { apiCall, type ApiCall, type FailsAs } from './api-calls';

export const MAX_PATHS = 64;
const MAX_STEPS = 400;

/** One modelled call on a path. */
export interface CallStep {
  readonly call: ApiCall;
  readonly node: CNode;
  /** The variable the result is assigned to. */
  readonly result?: string;
  /** This path takes the branch where the call failed: it created nothing. */
  failed: boolean;
  /** A condition on the path tested the result. */
  decided?: boolean;
  /** In a followed static callee: its parameters → the caller's names for the arguments. */
  readonly alias?: ReadonlyMap<string, string>;
}

export interface CPath {
  readonly steps: readonly CallStep[];
  /** The conditions the path took, in words, with their lines: "when `IS_ERR(sgt)` at line 212". */
  readonly conditions: readonly string[];
  /** Where each condition is in the C text (the call, the test, the label, the loop): offsets. */
  readonly conditionAt: readonly { readonly start: number; readonly end: number }[];
  /** Results the function stored outside itself (`obj->sgt = sgt`, `*out = att`) or returned: not its to release. */
  readonly escaped: readonly string[];
}

export interface FunctionPaths {
  readonly paths: readonly CPath[];
  /** Set when MAX_PATHS cut the enumeration. */
  readonly truncated: boolean;
  /** Calls of the function the checker does not model, once each (assumptions). */
  readonly unmodelled: readonly string[];
}

interface State {
  readonly steps: CallStep[];
  readonly conditions: string[];
  readonly conditionAt: { readonly start: number; readonly end: number }[];
  /** Normalised condition text → the branch taken. */
  readonly decided: Map<string, boolean>;
  /** Variables holding a modelled call's result → that step. */
  readonly results: Map<string, CallStep>;
  /** Flags set on the path: variable → truthiness. */
  readonly flags: Map<string, boolean>;
  readonly escaped: Set<string>;
  /** Whether the last `return` on the path returned an error (undefined: the checker cannot tell). */
  returnedError?: boolean;
}

type Outcome = { readonly kind: 'fall' | 'return' | 'break' | 'continue'; readonly state: State } | { readonly kind: 'goto'; readonly label: string; readonly state: State };

/** Records a condition the path took and where it is. */
function took(s: State, text: string, at: CNode): void {
  s.conditions.push(text);
  s.conditionAt.push({ start: at.startIndex, end: at.endIndex });
}

function clone(s: State): State {
  return { steps: s.steps.map((x) => ({ ...x })), conditions: [...s.conditions], conditionAt: [...s.conditionAt], decided: new Map(s.decided), results: new Map(s.results), flags: new Map(s.flags), escaped: new Set(s.escaped), ...(s.returnedError !== undefined ? { returnedError: s.returnedError } : {}) };
}

const line = (n: CNode): number => n.startPosition.row + 1;

/** A static function of the same file the walk may follow into. */
export interface Callee {
  readonly body: CNode;
  readonly params: readonly string[];
}

/** What the walk of one function body knows: its labels, the callees it may follow, the names of its parameters' arguments. */
interface Cx {
  readonly labels: ReadonlyMap<string, CNode>;
  readonly unmodelled: Set<string>;
  readonly callees: ReadonlyMap<string, Callee>;
  /** Callees being followed (no recursion), outermost first. */
  readonly stack: readonly string[];
  readonly alias: ReadonlyMap<string, string>;
}

/** How deep static callees are followed. */
export const MAX_CALLEE_DEPTH = 2;

/** Every path through the function body; calls of `callees` (static functions of the file) are followed. */
export function functionPaths(body: CNode, callees: ReadonlyMap<string, Callee> = new Map(), self = ''): FunctionPaths {
  const unmodelled = new Set<string>();
  const out: CPath[] = [];
  let truncated = false;
  const start: State = { steps: [], conditions: [], conditionAt: [], decided: new Map(), results: new Map(), flags: new Map(), escaped: new Set() };
  const cx: Cx = { labels: labelsOf(body), unmodelled, callees, stack: [self], alias: new Map() };
  for (const o of runBody(body, start, cx)) {
    if (out.length >= MAX_PATHS) {
      truncated = true;
      break;
    }
    out.push({ steps: o.state.steps, conditions: o.state.conditions, conditionAt: o.state.conditionAt, escaped: [...o.state.escaped] });
  }
  return { paths: out, truncated, unmodelled: [...unmodelled].sort() };
}

function labelsOf(body: CNode): Map<string, CNode> {
  const labels = new Map<string, CNode>();
  collectLabels(body, labels);
  return labels;
}

/** The outcomes of a function body with its gotos followed: each ends in a return or at the body's end. */
function* runBody(body: CNode, s: State, cx: Cx): Generator<Outcome> {
  yield* resolveGotos(walk(body, s, cx), cx, 0);
}

function* resolveGotos(outcomes: Iterable<Outcome>, cx: Cx, depth: number): Generator<Outcome> {
  for (const o of outcomes) {
    if (o.kind !== 'goto') {
      yield o;
      continue;
    }
    // `goto L`: on from L's statement through the rest of its block (kernel labels sit in the function body).
    const target = cx.labels.get(o.label);
    const block = target?.parent;
    if (!target || !block || depth > 8) {
      yield { kind: 'return', state: o.state };
      continue;
    }
    const siblings = block.namedChildren.filter((c): c is CNode => !!c);
    took(o.state, `then \`goto ${o.label}\``, target);
    yield* resolveGotos(sequence(siblings, siblings.findIndex((c) => c.id === target.id), o.state, cx), cx, depth + 1);
  }
}

/**
 * A statement that is a call of a static callee (`foo_unmap(priv);`, `ret = foo_map(priv);`): the
 * callee's paths, with its parameters named as the caller's arguments; its returns fall through.
 */
function followCallee(node: CNode, s: State, cx: Cx): Generator<Outcome> | undefined {
  const call = calleeCall(node);
  const fn = call?.childForFieldName('function')?.text ?? '';
  const callee = cx.callees.get(fn);
  if (!call || !callee || cx.stack.includes(fn) || cx.stack.length > MAX_CALLEE_DEPTH) return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c): c is CNode => !!c) ?? [];
  const alias = new Map(cx.alias);
  callee.params.forEach((p, i) => {
    const a = args[i];
    if (a) alias.set(p, cx.alias.get(lastName(a)) ?? lastName(a));
  });
  const inner: Cx = { labels: labelsOf(callee.body), unmodelled: cx.unmodelled, callees: cx.callees, stack: [...cx.stack, fn], alias };
  const assigned = assignedTo(call).result;
  return (function* () {
    took(s, `through \`${fn}()\` at line ${line(call)}`, call);
    for (const o of runBody(callee.body, s, inner)) {
      // `ret = callee()`: the caller's tests of ret follow what the callee returned on this path.
      if (assigned) {
        for (const key of [...o.state.decided.keys()]) if (new RegExp(`\\b${assigned}\\b`).test(key)) o.state.decided.delete(key);
        o.state.flags.delete(assigned);
        if (o.state.returnedError !== undefined) o.state.flags.set(assigned, o.state.returnedError);
      }
      delete o.state.returnedError;
      yield { kind: 'fall', state: o.state } as Outcome;
    }
  })();
}

/** The call an expression statement or declaration is (or assigns). */
function calleeCall(node: CNode): CNode | undefined {
  let e: CNode | null | undefined = node.type === 'expression_statement' ? node.namedChildren[0] : node.type === 'declaration' ? node.descendantsOfType('init_declarator')[0]?.childForFieldName('value') : undefined;
  if (e?.type === 'assignment_expression') e = e.childForFieldName('right');
  return e?.type === 'call_expression' ? e : undefined;
}

function collectLabels(node: CNode, labels: Map<string, CNode>): void {
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'labeled_statement') {
      const label = c.childForFieldName('label');
      // Execution after `goto L` continues from L's statement through everything after it.
      if (label) labels.set(label.text, c);
    }
    if (c.type !== 'function_definition') collectLabels(c, labels);
  }
}

/** The outcomes of running `node` from state `s` (generators keep the enumeration lazy, so the bound holds). */
function* walk(node: CNode, s: State, cx: Cx): Generator<Outcome> {
  if (s.steps.length > MAX_STEPS) return yield { kind: 'return', state: s };
  switch (node.type) {
    case 'compound_statement':
    case 'translation_unit':
      return yield* sequence(node.namedChildren.filter((c): c is CNode => !!c), 0, s, cx);
    case 'labeled_statement':
      // The label itself does nothing; its block goes on after it (sequence() or a goto's continuation).
      return yield* sequence(node.namedChildren.filter((c): c is CNode => !!c && c.type !== 'statement_identifier'), 0, s, cx);
    case 'return_statement': {
      calls(node, s, cx);
      const value = node.namedChildren.find((c) => !!c);
      if (value?.type === 'identifier' && s.results.has(value.text)) s.escaped.add(value.text);
      const error = value ? returnsError(value, s) : false;
      if (error === undefined) delete s.returnedError;
      else s.returnedError = error;
      return yield { kind: 'return', state: s };
    }
    case 'goto_statement': {
      const label = node.childForFieldName('label')?.text ?? '';
      return yield { kind: 'goto', label, state: s };
    }
    case 'break_statement':
      return yield { kind: 'break', state: s };
    case 'continue_statement':
      return yield { kind: 'continue', state: s };
    case 'if_statement':
      return yield* ifStatement(node, s, cx);
    case 'while_statement':
    case 'for_statement':
    case 'do_statement':
      return yield* loop(node, s, cx);
    case 'switch_statement':
      return yield* switchStatement(node, s, cx);
    case 'expression_statement':
    case 'declaration': {
      const followed = followCallee(node, s, cx);
      if (followed) return yield* followed;
      calls(node, s, cx);
      return yield { kind: 'fall', state: s };
    }
    default:
      return yield { kind: 'fall', state: s };
  }
}

/** Statements i.. of a block. */
function* sequence(stmts: readonly CNode[], i: number, s: State, cx: Cx): Generator<Outcome> {
  if (i >= stmts.length) return yield { kind: 'fall', state: s };
  const stmt = stmts[i]!;
  for (const o of walk(stmt, s, cx)) {
    if (o.kind === 'fall') yield* sequence(stmts, i + 1, o.state, cx);
    else yield o;
  }
}

function* ifStatement(node: CNode, s: State, cx: Cx): Generator<Outcome> {
  const cond = node.childForFieldName('condition');
  const then = node.childForFieldName('consequence');
  const otherwise = node.childForFieldName('alternative');
  if (cond) calls(cond, s, cx);
  for (const [taken, st] of branches(cond, s)) {
    const body = taken ? then : otherwise;
    if (!body) {
      yield { kind: 'fall', state: st };
      continue;
    }
    yield* walk(body.type === 'else_clause' ? (body.namedChildren.find((c) => !!c) ?? body) : body, st, cx);
  }
}

/** The branches a condition allows on this path: (taken, state) pairs. */
function branches(cond: CNode | null, s: State): [boolean, State][] {
  if (!cond) return [[true, s], [false, clone(s)]];
  const text = normalise(cond.text);
  const known = s.decided.get(text);
  if (known !== undefined) return [[known, s]];
  const onResult = resultTest(cond, s);
  const out: [boolean, State][] = [];
  for (const taken of [true, false]) {
    const st = clone(s);
    if (onResult) {
      const step = st.steps[onResult.index];
      const failed = taken === onResult.trueMeansFailed;
      if (step && failed && step.call.fails === 'never') continue;
      // A call already decided on this path (another test of the same result) keeps its outcome.
      if (step?.decided && step.failed !== failed) continue;
      if (step) {
        step.failed = failed;
        step.decided = true;
      }
      took(st, `when \`${step?.call.fn}()\` at line ${step ? line(step.node) : '?'} ${failed ? 'fails' : 'succeeds'}`, step?.node ?? cond);
    } else {
      const flag = flagValue(cond, s);
      if (flag !== undefined && flag !== taken) continue;
      took(st, `when \`${cond.text.replace(/^\(|\)$/g, '')}\` at line ${line(cond)} is ${taken ? 'true' : 'false'}`, cond);
    }
    st.decided.set(text, taken);
    out.push([taken, st]);
  }
  return out;
}

const ERR_TESTS = new Set(['IS_ERR', 'IS_ERR_OR_NULL', 'unlikely', 'likely', 'WARN_ON', 'WARN_ON_ONCE', 'dma_mapping_error']);

/**
 * A test of a modelled call's result: `IS_ERR(x)`, `!x`, `x == NULL`, `ret`, `ret < 0`, `ret != 0`.
 * Which step it tests and whether `true` means the call failed.
 */
function resultTest(cond: CNode, s: State): { readonly index: number; readonly trueMeansFailed: boolean } | undefined {
  let e: CNode = unwrap(cond);
  let negate = false;
  for (;;) {
    if (e.type === 'unary_expression' && e.childForFieldName('operator')?.text === '!') {
      negate = !negate;
      e = unwrap(e.childForFieldName('argument') ?? e);
      continue;
    }
    if (e.type === 'call_expression' && ERR_TESTS.has(e.childForFieldName('function')?.text ?? '')) {
      const fn = e.childForFieldName('function')?.text ?? '';
      const arg = e.childForFieldName('arguments')?.namedChildren.find((c) => !!c);
      if (!arg) return undefined;
      if (fn.startsWith('IS_ERR')) {
        const step = stepOf(s, lastName(unwrap(arg)));
        return step === undefined ? undefined : { index: step, trueMeansFailed: !negate };
      }
      if (fn === 'dma_mapping_error') {
        // dma_mapping_error(dev, addr): the address is the second argument.
        const addr = e.childForFieldName('arguments')?.namedChildren.filter((c): c is CNode => !!c)[1];
        const step = addr ? stepOf(s, lastName(unwrap(addr))) : undefined;
        return step === undefined ? undefined : { index: step, trueMeansFailed: !negate };
      }
      e = unwrap(arg);
      continue;
    }
    break;
  }
  const varTest = (name: string, failsWhenTrue: boolean): { index: number; trueMeansFailed: boolean } | undefined => {
    const index = stepOf(s, name);
    return index === undefined ? undefined : { index, trueMeansFailed: negate ? !failsWhenTrue : failsWhenTrue };
  };
  // The call itself in the condition: `if (!dma_iova_try_alloc(...))`, `if (iommu_attach_device(...))`.
  const callTest = (call: CNode, failsWhenTrue: boolean): { index: number; trueMeansFailed: boolean } | undefined => {
    const index = s.steps.findIndex((x) => x.node.id === call.id);
    return index < 0 ? undefined : { index, trueMeansFailed: negate ? !failsWhenTrue : failsWhenTrue };
  };
  if (e.type === 'call_expression') {
    const step = s.steps.find((x) => x.node.id === e.id);
    return step ? callTest(e, kind(step.call.fails) === 'int') : undefined;
  }
  if (e.type === 'identifier') {
    const step = s.results.get(e.text);
    if (!step) return undefined;
    // `if (ret)`: an int result is an error when non-zero; `if (ptr)`: a pointer is valid when non-NULL.
    return varTest(e.text, kind(step.call.fails) === 'int');
  }
  if (e.type === 'binary_expression') {
    const op = e.childForFieldName('operator')?.text;
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right')?.text;
    if (left?.type === 'call_expression') {
      if ((op === '<' && right === '0') || (op === '!=' && right === '0')) return callTest(left, true);
      if ((op === '==' && (right === 'NULL' || right === '0')) || (op === '>=' && right === '0')) return callTest(left, op === '==');
      return undefined;
    }
    if (!left || left.type !== 'identifier') return undefined;
    if ((op === '<' && right === '0') || (op === '!=' && right === '0')) return varTest(left.text, true);
    if ((op === '==' && (right === 'NULL' || right === '0')) || (op === '>=' && right === '0')) return varTest(left.text, op === '==');
  }
  return undefined;
}

function kind(fails: FailsAs): 'int' | 'ptr' {
  return fails === 'negative' ? 'int' : 'ptr';
}

function stepOf(s: State, name: string): number | undefined {
  const step = s.results.get(name);
  if (!step) return undefined;
  const i = s.steps.findIndex((x) => x.node.id === step.node.id);
  return i >= 0 ? i : undefined;
}

function unwrap(n: CNode): CNode {
  let e = n;
  while ((e.type === 'parenthesized_expression' || e.type === 'condition_clause') && e.namedChildren.length === 1 && e.namedChildren[0]) e = e.namedChildren[0];
  return e;
}

/**
 * Whether a returned value is an error, as far as the path shows: `0` no; `-EINVAL`, `PTR_ERR(x)`
 * yes; a variable holding a modelled call's result or a flag, what the path decided for it.
 */
function returnsError(value: CNode, s: State): boolean | undefined {
  const v = unwrap(value);
  if (v.type === 'number_literal') return v.text !== '0';
  if (v.type === 'unary_expression' && v.childForFieldName('operator')?.text === '-') return true;
  if (v.type === 'call_expression' && /^(PTR_ERR|ERR_PTR|ERR_CAST)$/.test(v.childForFieldName('function')?.text ?? '')) return true;
  if (v.type !== 'identifier') return undefined;
  const flag = s.flags.get(v.text);
  if (flag !== undefined) return flag;
  const step = s.results.get(v.text);
  const i = step ? s.steps.findIndex((x) => x.node.id === step.node.id) : -1;
  const current = i >= 0 ? s.steps[i] : undefined;
  return current?.decided ? current.failed : undefined;
}

/** `if (flag)` / `if (!flag)` for a flag set on the path; `ret < 0` and `ret != 0` read as `ret` when ret is known. */
function flagValue(cond: CNode, s: State): boolean | undefined {
  let e = unwrap(cond);
  let negate = false;
  if (e.type === 'unary_expression' && e.childForFieldName('operator')?.text === '!') {
    negate = true;
    e = unwrap(e.childForFieldName('argument') ?? e);
  }
  if (e.type === 'binary_expression' && e.childForFieldName('left')?.type === 'identifier') {
    const op = e.childForFieldName('operator')?.text;
    const right = e.childForFieldName('right')?.text;
    const v = s.flags.get(e.childForFieldName('left')!.text);
    if (v === undefined || right !== '0') return undefined;
    if (op === '<' || op === '!=') return negate ? !v : v;
    if (op === '>=' || op === '==') return negate ? v : !v;
    return undefined;
  }
  if (e.type !== 'identifier') return undefined;
  const v = s.flags.get(e.text);
  return v === undefined ? undefined : negate ? !v : v;
}

function normalise(text: string): string {
  return text.replace(/\s+/g, '');
}

function* loop(node: CNode, s: State, cx: Cx): Generator<Outcome> {
  const body = node.childForFieldName('body');
  for (const times of [0, 1, 2]) {
    let states: State[] = [clone(s)];
    let exits: Outcome[] = [];
    for (let i = 0; i < times && body; i++) {
      const next: State[] = [];
      for (const st of states) {
        for (const o of walk(body, st, cx)) {
          if (o.kind === 'fall' || o.kind === 'continue') next.push(o.state);
          else if (o.kind === 'break') exits.push({ kind: 'fall', state: o.state });
          else exits.push(o);
        }
      }
      states = next;
    }
    for (const st of states) {
      took(st, `with the loop at line ${line(node)} run ${times} time${times === 1 ? '' : 's'}`, node);
      yield { kind: 'fall', state: st };
    }
    yield* exits;
    exits = [];
  }
}

function* switchStatement(node: CNode, s: State, cx: Cx): Generator<Outcome> {
  const body = node.childForFieldName('body');
  const cases = body ? body.namedChildren.filter((c): c is CNode => !!c && c.type === 'case_statement') : [];
  const hasDefault = cases.some((c) => c.text.trimStart().startsWith('default'));
  const arms = cases.map((c, i) => ({ c, i }));
  for (const { c } of arms) {
    const st = clone(s);
    took(st, `in the \`${c.text.split(':')[0]?.trim()}\` arm of the switch at line ${line(node)}`, c.childForFieldName('value') ?? c);
    const stmts = c.namedChildren.filter((x): x is CNode => !!x && x !== c.childForFieldName('value'));
    for (const o of sequence(stmts, 0, st, cx)) yield o.kind === 'break' ? { kind: 'fall', state: o.state } : o;
  }
  if (!hasDefault) {
    const st = clone(s);
    took(st, `when no case of the switch at line ${line(node)} matches`, node);
    yield { kind: 'fall', state: st };
  }
}

/** The modelled calls of an expression or declaration, innermost first, and the flags it sets. */
function calls(node: CNode, s: State, cx: Cx): void {
  const visit = (n: CNode): void => {
    for (const c of n.namedChildren) if (c) visit(c);
    if (n.type === 'assignment_expression' || n.type === 'init_declarator') noteAssignment(n, s);
    if (n.type !== 'call_expression') return;
    const fn = n.childForFieldName('function')?.text ?? '';
    const api = apiCall(fn);
    const argTexts = n.childForFieldName('arguments')?.namedChildren.filter((c): c is CNode => !!c).map((c) => c.text) ?? [];
    if (api?.applies && !api.applies(argTexts)) return;
    if (!api) {
      if (!ERR_TESTS.has(fn) && !cx.callees.has(fn) && !/^(PTR_ERR|ERR_PTR|ERR_CAST|pr_\w+|dev_\w+|mutex_\w+|spin_\w+|DEFINE_DMA_BUF_EXPORT_INFO|page_to_phys|virt_to_phys|sg_phys|get_order|sg_dma_address|sg_dma_len|min|max|min_t|max_t)$/.test(fn)) cx.unmodelled.add(fn);
      return;
    }
    const step: CallStep = { call: api, node: n, failed: false, ...assignedTo(n), ...(cx.alias.size ? { alias: cx.alias } : {}) };
    s.steps.push(step);
    if (step.result) s.results.set(step.result, step);
  };
  visit(node);
}

/** The variable a call's value goes to: `x = call()`, `T *x = call()`. */
function assignedTo(call: CNode): { readonly result?: string } {
  const p = call.parent;
  if (!p) return {};
  if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === call.id) {
    const left = p.childForFieldName('left');
    return left ? { result: lastName(left) } : {};
  }
  if (p.type === 'init_declarator' && p.childForFieldName('value')?.id === call.id) {
    const d = p.childForFieldName('declarator');
    return d ? { result: lastName(d) } : {};
  }
  return {};
}

/** An assignment of a constant to a variable sets a flag; any assignment forgets decided conditions on it. */
function noteAssignment(n: CNode, s: State): void {
  const left = n.type === 'assignment_expression' ? n.childForFieldName('left') : n.childForFieldName('declarator');
  const right = n.type === 'assignment_expression' ? n.childForFieldName('right') : n.childForFieldName('value');
  if (!left) return;
  // A result stored through a pointer or into a field leaves the function: it is not leaked here.
  if (n.type === 'assignment_expression' && left.type !== 'identifier' && right?.type === 'identifier' && s.results.has(right.text)) s.escaped.add(right.text);
  const name = lastName(left);
  for (const key of [...s.decided.keys()]) if (new RegExp(`\\b${name}\\b`).test(key)) s.decided.delete(key);
  s.flags.delete(name);
  // Only the modelled call just recorded for this very assignment keeps the name (`ret = helper()` after `ret = dma_map_sgtable()` forgets the map).
  if (right && s.results.get(name)?.node.id !== right.id) s.results.delete(name);
  const v = right?.text;
  if (v === 'true' || v === '1') s.flags.set(name, true);
  if (v === 'false' || v === '0' || v === 'NULL') s.flags.set(name, false);
}

/** The last identifier of an expression or declarator: `priv->sgt` → `sgt`, `*map` → `map`. */
export function lastName(n: CNode): string {
  const ids = n.descendantsOfType(['identifier', 'field_identifier']).filter((x): x is CNode => !!x);
  return ids.length ? ids[ids.length - 1]!.text : n.text;
}
