// Building the front end's findings (SYNTAX, NAME, IMPORT, LIMIT): places are offsets; a message
// may name another place with lineAt (common/message.ts), resolved here against the finding's file.
import type { Span } from './ast';
import type { Finding, RelatedInformation } from '../common/findings';
import { placeMarkers } from '../common/message';
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
    ...placeMarkers(message, source.path),
    location: { file: source.path, span },
    related,
    ...(scenario !== undefined ? { scenario } : {}),
  };
}

export function relatedAt(source: SourceText, span: Span, message: string): RelatedInformation {
  return { location: { file: source.path, span }, ...placeMarkers(message, source.path) };
}
