// Converting between UTF-16 offsets (what the syntax tree keeps) and line/character positions
// (what LSP, the CLI and the trace show). Built once per text, looked up by binary search.
import type { Span } from './span';

/** 0-based line and UTF-16 character, as LSP counts them. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface TextRange {
  readonly start: Position;
  readonly end: Position;
}

export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  offset(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[pos.line];
    const next = pos.line + 1 < this.lineStarts.length ? this.lineStarts[pos.line + 1] : this.text.length;
    return Math.min(start + Math.max(0, pos.character), next);
  }

  range(span: Span): TextRange {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}

/** One file's text as the pipeline sees it. `path` is absolute (or a pseudo path for unsaved text). */
export interface SourceText {
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
}

export function sourceText(path: string, text: string): SourceText {
  return { path, text, lines: new LineIndex(text) };
}
