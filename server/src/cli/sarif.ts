// `--format sarif`: SARIF 2.1.0 for code-scanning upload. One run; rules are the codes that occur,
// documented from the rule registry (title, explanation, kernel references); results carry the
// finding's region and its related locations. Paths inside the current directory are relative
// to %SRCROOT% (the current directory), others are absolute file URIs.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Location, Severity } from '../common/findings';
import { ruleDoc, ruleMarkdown } from '../engine/rule-docs/registry';
import { messageText, oneBased, versionsText, type FileReport } from './report';
import { cPosition, type CReport } from './c-checks';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note' };

interface SarifRule {
  id: string;
  name?: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown: string };
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties?: { kernelRefs?: readonly string[]; outcome?: string };
}

function artifactLocation(file: string, report: FileReport, cwd: string): { uri: string; uriBaseId?: string } {
  return artifactLocationOf(file === report.absolute ? report.absolute : file, cwd);
}

function artifactLocationOf(abs: string, cwd: string): { uri: string; uriBaseId?: string } {
  if (!path.isAbsolute(abs)) return { uri: abs }; // builtin:/x86_64_pc.dmabuf is already a URI
  const rel = path.relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
    return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(abs).href };
}

function physical(loc: Location, report: FileReport, cwd: string): Record<string, unknown> {
  const p = oneBased(loc, report);
  return {
    artifactLocation: artifactLocation(loc.file, report, cwd),
    region: { startLine: p.line, startColumn: p.column, endLine: p.endLine, endColumn: p.endColumn },
  };
}

function ruleFor(code: string, severity: Severity): SarifRule {
  const doc = ruleDoc(code);
  if (!doc) return { id: code, shortDescription: { text: code }, defaultConfiguration: { level: LEVEL[severity] } };
  return {
    id: doc.id,
    name: doc.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: `${doc.id}: ${doc.title}` },
    fullDescription: { text: doc.body },
    help: { text: `${doc.body}\n\nKernel outcome: ${doc.outcome}`, markdown: ruleMarkdown(doc) },
    defaultConfiguration: { level: LEVEL[doc.severity] },
    properties: { kernelRefs: doc.kernelRefs, outcome: doc.outcome },
  };
}

export function toSarif(reports: readonly FileReport[], cwd: string, version: string, cReports: readonly CReport[] = []): Record<string, unknown> {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const results: Record<string, unknown>[] = [];
  const add = (f: Finding, r: FileReport): void => {
    let index = ruleIndex.get(f.code);
    if (index === undefined) {
      index = rules.length;
      rules.push(ruleFor(f.code, f.severity));
      ruleIndex.set(f.code, index);
    }
    const versions = versionsText(f, r);
    results.push({
      ruleId: f.code,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: versions ? `[Linux ${versions}] ${messageText(f, r)}` : messageText(f, r) },
      locations: [{ physicalLocation: physical(f.location, r, cwd) }],
      ...(f.related.length
        ? { relatedLocations: f.related.map((rel, i) => ({ id: i + 1, physicalLocation: physical(rel.location, r, cwd), message: { text: messageText(rel, r) } })) }
        : {}),
      ...(f.scenario !== undefined || f.traceStep !== undefined || f.versions
        ? {
            properties: {
              ...(f.scenario !== undefined ? { scenario: f.scenario } : {}),
              ...(f.traceStep !== undefined ? { traceStep: f.traceStep } : {}),
              ...(f.versions ? { versions: f.versions } : {}),
            },
          }
        : {}),
    });
  };
  for (const r of reports) for (const f of r.analysis.findings) add(f, r);
  for (const r of cReports) {
    for (const f of r.result.findings) {
      let index = ruleIndex.get(f.code);
      if (index === undefined) {
        index = rules.length;
        rules.push(ruleFor(f.code, f.severity));
        ruleIndex.set(f.code, index);
      }
      const region = (start: number, end: number): Record<string, unknown> => {
        const a = cPosition(r, start);
        const b = cPosition(r, end);
        return { artifactLocation: artifactLocationOf(r.absolute, cwd), region: { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column } };
      };
      results.push({
        ruleId: f.code,
        ruleIndex: index,
        level: LEVEL[f.severity],
        message: { text: `${f.message} (in ${f.function}(), ${f.path.join(', ')})` },
        locations: [{ physicalLocation: region(f.start, f.end) }],
        ...(f.related.length ? { relatedLocations: f.related.map((rel, i) => ({ id: i + 1, physicalLocation: region(rel.start, rel.end), message: { text: rel.message } })) } : {}),
        // The path as SARIF's code flow: each branch point in order, then the finding's call.
        ...(f.path.length
          ? {
              codeFlows: [
                {
                  threadFlows: [
                    {
                      locations: [
                        ...f.path.map((c, i) => ({ location: { physicalLocation: region(f.pathAt[i]!.start, f.pathAt[i]!.end), message: { text: c } } })),
                        { location: { physicalLocation: region(f.start, f.end), message: { text: f.code } } },
                      ],
                    },
                  ],
                },
              ],
            }
          : {}),
        properties: { function: f.function, path: f.path, scenario: f.scenario },
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'dmabuf-check', version, semanticVersion: version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        results,
      },
    ],
  };
}

export function formatSarif(reports: readonly FileReport[], cwd: string, version: string, cReports: readonly CReport[] = []): string {
  return `${JSON.stringify(toSarif(reports, cwd, version, cReports), null, 2)}\n`;
}
