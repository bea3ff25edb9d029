// What the status-bar item says for a document's analysis state, and where a click takes the
// user. No vscode import: unit-tested in test/client/status.test.ts.
import type { StatusParams } from '../../server/src/lsp/protocol';

export interface StatusPresentation {
  /** With codicons (`$(check)`), as the status bar renders them. */
  readonly text: string;
  readonly tooltip: string;
  /** `error`/`warning` pick the status bar's error/warning background. */
  readonly tone: 'normal' | 'warning' | 'error';
  /** Findings → the Problems view; cut short, clean or failed → the trace (or the log). */
  readonly click: 'problems' | 'trace' | 'log';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function counts(s: StatusParams): string {
  const parts: string[] = [];
  if (s.errors) parts.push(`$(error) ${s.errors}`);
  if (s.warnings) parts.push(`$(warning) ${s.warnings}`);
  if (s.infos) parts.push(`$(info) ${s.infos}`);
  return parts.join(' ');
}

function findingsSentence(s: StatusParams): string {
  return [plural(s.errors, 'error'), plural(s.warnings, 'warning'), plural(s.infos, 'note')].join(', ');
}

export function presentStatus(s: StatusParams | undefined): StatusPresentation {
  if (!s) return { text: '$(circle-outline) DMA-BUF', tooltip: 'DMA-BUF Lab: not checked yet', tone: 'normal', click: 'log' };
  const extra = s.message ? `\n${s.message}` : '';
  switch (s.state) {
    case 'checking':
      return { text: '$(sync~spin) DMA-BUF: checking', tooltip: `DMA-BUF Lab: checking version ${s.version}…${extra}`, tone: 'normal', click: 'problems' };
    case 'clean':
      return { text: '$(check) DMA-BUF', tooltip: `DMA-BUF Lab: no findings. Click to show a trace.${extra}`, tone: 'normal', click: 'trace' };
    case 'findings':
      return {
        text: `DMA-BUF ${counts(s)}`,
        tooltip: `DMA-BUF Lab: ${findingsSentence(s)}. Click to open the Problems view.${extra}`,
        tone: s.errors ? 'error' : s.warnings ? 'warning' : 'normal',
        click: 'problems',
      };
    case 'cutShort':
      return {
        text: `$(watch) DMA-BUF: cut short${s.errors + s.warnings ? ` ${counts(s)}` : ''}`,
        tooltip:
          `DMA-BUF Lab: the exploration budget ended before every interleaving was covered; findings may be missing ` +
          `(${findingsSentence(s)} so far). Raise dmabuf.exploration.maxStates / maxMillis, or click to see the trace.${extra}`,
        tone: 'warning',
        click: s.errors + s.warnings ? 'problems' : 'trace',
      };
    case 'error':
      return { text: '$(bug) DMA-BUF: failed', tooltip: `DMA-BUF Lab: the analysis failed. Click to open the log.${extra}`, tone: 'error', click: 'log' };
  }
}
