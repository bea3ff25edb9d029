// Small Markdown renderers for hover: sizes, rule links, and JSON state snapshots (with sg_table
// entries as a table: physical address, page or not, DMA address, length, bus/bounce flags).
import { isPagedKey } from '../common/paged';
import { ruleDoc } from '../engine/rule-docs/registry';
import { ruleDocUri } from './convert';

export function hex(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

const UNITS: readonly [string, number][] = [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]];

/** `64 MiB = 67,108,864 bytes = 0x4000000`. */
export function sizeText(bytes: number): string {
  const parts: string[] = [];
  const unit = UNITS.find(([, v]) => bytes >= v && bytes % v === 0);
  if (unit) parts.push(`${bytes / unit[1]} ${unit[0]}`);
  parts.push(`${bytes.toLocaleString('en-US')} bytes`, hex(bytes));
  return parts.join(' = ');
}

export function ruleLink(id: string): string {
  const doc = ruleDoc(id);
  const href = ruleDocUri(id);
  const label = href ? `[${id}](${href})` : `\`${id}\``;
  return doc ? `${label} ${doc.title}` : label;
}

function scalar(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) >= 4096 ? `${v} (${hex(v)})` : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v === null) return '—';
  return JSON.stringify(v);
}

function cell(v: unknown, key: string): string {
  if (v === undefined) return '';
  if (typeof v === 'number' && /addr|phys|iova|dma(?!_?len)/i.test(key)) return hex(v);
  return scalar(v).replace(/\|/g, '\\|');
}

const MAX_ROWS = 16;

function table(rows: readonly Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k) && !isNested(r[k])) keys.push(k);
  const out = [`| ${keys.join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`];
  for (const r of rows.slice(0, MAX_ROWS)) out.push(`| ${keys.map((k) => cell(r[k], k)).join(' | ')} |`);
  if (rows.length > MAX_ROWS) out.push(`\n… ${rows.length - MAX_ROWS} more entries`);
  return out;
}

function isNested(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

function isRecordArray(v: unknown): v is Record<string, unknown>[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
}

/** A snapshot as a Markdown list; arrays of records (sg entries, chunks, mappings) become tables. */
export function stateMarkdown(state: Readonly<Record<string, unknown>>, depth = 0): string[] {
  const out: string[] = [];
  const indent = '  '.repeat(depth);
  const tables: [string, Record<string, unknown>[]][] = [];
  for (const [k, v] of Object.entries(state)) {
    if (k === 'name' || v === undefined || isPagedKey(k)) continue;
    if (isRecordArray(v)) tables.push([k, v]);
    else if (Array.isArray(v)) out.push(`${indent}- **${k}**: ${v.length === 0 ? '(none)' : v.map(scalar).join(', ')}`);
    else if (isNested(v) && depth < 2) {
      out.push(`${indent}- **${k}**:`);
      out.push(...stateMarkdown(v as Record<string, unknown>, depth + 1));
    } else out.push(`${indent}- **${k}**: ${scalar(v)}`);
  }
  for (const [k, rows] of tables) {
    out.push('', `**${k}** (${rows.length})`, '', ...table(rows), '');
  }
  return out;
}
