// How state values read in the inspector: addresses in hex, sizes with units where the key says
// so, nested values as compact JSON. Pure, unit-tested.

const ADDRESS_KEY = /(addr|address|phys|iova|dma|base|bus)/i;
const SIZE_KEY = /(size|length|len)$/i;

export function hex(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

export function formatSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (u < units.length - 1 && v >= 1024 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return u === 0 ? String(n) : `${v} ${units[u]}`;
}

export function formatValue(key: string, value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return '—';
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (ADDRESS_KEY.test(key)) return hex(value);
    if (SIZE_KEY.test(key) && value >= 1024 && value % 1024 === 0) return `${value} (${formatSize(value)})`;
    return String(value);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, (k, v) => (typeof v === 'number' && Number.isInteger(v) && ADDRESS_KEY.test(k) ? hex(v) : v));
}

/** An array of plain objects reads best as a table (sg entries, IOMMU mappings, resv slots). */
export function tableOf(value: unknown): { columns: string[]; rows: Record<string, unknown>[] } | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) return undefined;
  const rows = value as Record<string, unknown>[];
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows };
}
