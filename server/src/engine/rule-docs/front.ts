// The front end's own codes: the file could not be read as a scenario description.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'SYNTAX',
    title: 'The text is not valid scenario language',
    severity: 'error',
    body:
      'The parser expected something else here. It recovers at the next statement, so the rest of the ' +
      'file is still checked; the statement with the error is not simulated.',
    outcome: 'No kernel call: the statement is skipped.',
    kernelRefs: [],
    fixtures: ['test/fixtures/language/syntax-errors.dmabuf', 'test/fixtures/language/syntax-clean.dmabuf'],
    triggerable: true,
  },
  {
    id: 'NAME',
    title: 'A name does not resolve, is bound twice, or has the wrong kind',
    severity: 'error',
    body:
      'Names are scoped to their scenario and must be bound before use; platform names, devices, BARs, ' +
      'groups and IOMMUs must be declared by the platform. A fence cannot stand where a buffer is needed. ' +
      'Statements that mention such a name are not simulated.',
    outcome: 'No kernel call: the statement is skipped.',
    kernelRefs: [],
    fixtures: ['test/fixtures/language/names-bad.dmabuf', 'test/fixtures/language/names-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'IMPORT',
    title: 'An import cannot be read',
    severity: 'error',
    body:
      'Imports make another file\'s platforms visible. The path must stay inside the workspace folder ' +
      '(`--root` on the command line), exist, and not lead back to the importing file.',
    outcome: 'No kernel call: the imported platforms are not available.',
    kernelRefs: [],
    fixtures: ['test/fixtures/language/imports/bad-imports.dmabuf', 'test/fixtures/language/imports/good-import.dmabuf'],
    triggerable: true,
  },
  {
    id: 'LIMIT',
    title: 'The file is too large to check',
    severity: 'error',
    body:
      'A file larger than 2 MiB is neither parsed nor simulated (imported files have the same limit, reported as ' +
      'IMPORT). The language server checks the file at every edit, and a scenario description is a few KiB: a ' +
      'file this large is generated or not a scenario file. Split it into files that import a shared platform file.',
    outcome: 'No kernel call: nothing in the file is checked.',
    kernelRefs: [],
    fixtures: [],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
