// Helpers for the time half's tests: bind a scenario text and simulate it with a chosen kernel half.
import type { EngineOptions, EngineResult } from '../../../server/src/engine/api';
import type { KernelModel } from '../../../server/src/engine/seam';
import { simulateWith } from '../../../server/src/engine/simulate';
import { nullKernelModel } from '../../../server/src/engine/time/null-kernel';
import type { Finding } from '../../../server/src/common/findings';
import { LineIndex } from '../../../server/src/common/source';
import type { Span } from '../../../server/src/language/ast';
import { bindText, lineOfFinding, messageOf, programLines, rememberLines } from '../../language/helpers';

export function runText<K>(text: string, kernel: KernelModel<K> | KernelModel<null> = nullKernelModel, options: EngineOptions = {}): EngineResult {
  const program = bindText(text);
  const front = program.findings.filter((f) => f.severity === 'error');
  if (front.length) throw new Error(`front end: ${front.map((f) => `${lineOfFinding(f)}:${f.code} ${messageOf(f)}`).join('; ')}`);
  const result = simulateWith(kernel as KernelModel<K>, program, options);
  rememberLines(result.findings, programLines(program));
  return result;
}

/** `line:CODE` of each finding of severity error or warning (1-based lines). */
export function problems(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.severity !== 'information').map((f) => `${lineOfFinding(f)}:${f.code}`);
}

export function codes(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${lineOfFinding(f)}:${f.code}`);
}

/** 1-based line of `span` in `text` (trace steps hold offsets). */
export function lineOfSpan(text: string, span: Span): number {
  return new LineIndex(text).position(span.start).line + 1;
}

/** Wraps a body in a scenario; line 1 is the `scenario` line, so the body starts on line 2. */
export function scen(body: string, platform = 'x86_64_pc'): string {
  return `scenario s on ${platform} {\n${body}\n}\n`;
}
