// The agents of a run (the scenario body, its threads, one queue per device) and where each one
// stands in its program. This is the only place a program counter moves. Who may move next is
// decided in schedule.ts; what a move does, in statements.ts and run.ts.
import type { Stmt } from '../../language/ast';
import type { AgentId } from '../../common/trace';
import type { Agent, Statics, World } from './world';

export function agent<K>(w: World<K>, id: AgentId): Agent {
  const a = w.agents.find((x) => x.id === id);
  if (!a) throw new Error(`no agent ${id}`);
  return a;
}

/** Moves past the current statement, skipping broken ones (their NAME/SYNTAX finding stands alone). */
export function advance<K>(w: World<K>, st: Statics<K>, a: Agent): void {
  const prog = st.progs[a.prog];
  do a.pc++;
  while (a.pc < prog.length && skipped(st, st.stmts[prog[a.pc]]));
  if (a.pc >= prog.length) a.status = 'done';
}

function skipped<K>(st: Statics<K>, s: Stmt): boolean {
  return s.kind === 'Error' || st.scenario.broken.has(s);
}

export function currentStmt<K>(w: World<K>, st: Statics<K>, a: Agent): Stmt | undefined {
  if (a.kind === 'dev' || a.status !== 'run') return undefined;
  return st.stmts[st.progs[a.prog][a.pc]];
}

export function devAgent<K>(w: World<K>, device: string): Agent {
  const id = `dev:${device}`;
  let a = w.agents.find((x) => x.id === id);
  if (!a) {
    a = { id, kind: 'dev', prog: -1, pc: 0, queue: [], status: 'run', clock: {}, signalling: 0, origin: -1 };
    w.agents.push(a);
  }
  return a;
}

/** Agents with a next step, whether or not it can run now. */
export function pendingAgents<K>(w: World<K>): AgentId[] {
  return w.agents.filter((a) => a.status === 'run' && (a.kind !== 'dev' || a.queue.length > 0)).map((a) => a.id);
}
