import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSize, formatValue, hex, tableOf } from '../../client/src/webview/format';

describe('inspector value formatting', () => {
  it('shows addresses in hex', () => {
    assert.equal(formatValue('dmaAddress', 0x1000_0000), '0x10000000');
    assert.equal(formatValue('phys', 4096), '0x1000');
    assert.equal(formatValue('iova', 0), '0x0');
  });

  it('shows sizes with a binary unit when they are whole', () => {
    assert.equal(formatValue('length', 1048576), '1048576 (1 MiB)');
    assert.equal(formatValue('size', 1500), '1500');
    assert.equal(formatSize(4096), '4 KiB');
    assert.equal(formatSize(3 * 1024 ** 3), '3 GiB');
  });

  it('shows plain counts, booleans, null and missing values as they are', () => {
    assert.equal(formatValue('refcount', 2), '2');
    assert.equal(formatValue('signalled', true), 'true');
    assert.equal(formatValue('phys', null), 'null');
    assert.equal(formatValue('x', undefined), '—');
    assert.equal(hex(-16), '-0x10');
  });

  it('shows nested objects as JSON with addresses in hex', () => {
    assert.equal(formatValue('map', { iova: 4096, perm: 'rw' }), '{"iova":"0x1000","perm":"rw"}');
  });

  it('turns a list of entries into a table with every column', () => {
    const t = tableOf([{ phys: 1, length: 2 }, { phys: 3, bounced: true }]);
    assert.deepEqual(t?.columns, ['phys', 'length', 'bounced']);
    assert.equal(t?.rows.length, 2);
    assert.equal(tableOf([1, 2]), undefined);
    assert.equal(tableOf([]), undefined);
  });
});
