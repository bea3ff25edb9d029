// Building the front end's findings (SYNTAX, NAME, IMPORT, LIMIT) with both span and line/column range.
import type { Span } from './ast';
import type { Finding, RelatedInformation } from '../common/findings';
import type { SourceText } from '../common/source';

export type FrontCode = 'SYNTAX' | 'NAME' | 'IMPORT' | 'LIMIT';

export function frontFinding(
  source: SourceText,
  code: FrontCode,
  span: Span,
  message: string,
  related: readonly RelatedInformation[] = [],
  scenario?: string,
): Finding {
  return {
    code,
    severity: 'error',
    message,
    location: { file: source.path, span, range: source.lines.range(span) },
    related,
    ...(scenario !== undefined ? { scenario } : {}),
  };
}

export function relatedAt(source: SourceText, span: Span, message: string): RelatedInformation {
  return { location: { file: source.path, span, range: source.lines.range(span) }, message };
}
