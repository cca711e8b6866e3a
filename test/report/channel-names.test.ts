// The report names and orders channels from the source labels it is given, not from a list of
// its own: the built-in labels, and labels of a source the report has never heard of.
import assert from 'node:assert/strict';
import { renderReport } from '../../report/index.ts';
import { channelNaming } from '../../report/labels.ts';
import { cityName } from '../../report/counties.ts';
import type { SourceLabel } from '../../schemas/source-label.ts';
import { defaultRegistry } from '../../connectors/registry.ts';
import { EMPTY_INPUT } from './fixture.ts';
import { tableRows } from './html-table.ts';

const EXTRA: SourceLabel[] = [
  { source: 'deaths', zh: '市死亡登记', en: 'City death register' },
  { source: 'port', zh: '口岸{instance}', en: 'Border port {instance}', instance: 'key' },
];

describe('report: channel names from the source labels', () => {
  it('names the built-in channels, a police city by its area name', () => {
    const naming = channelNaming(defaultRegistry.labels(), cityName);
    assert.deepEqual(naming.name('police-4403'), { zh: '深圳市公安局', en: 'City police 4403' });
    assert.deepEqual(naming.name('police-9999'), { zh: '9999公安局', en: 'City police 9999' }, 'an unknown city keeps its code');
    assert.equal(naming.name('bigdata').zh, '省政务大数据中心');
    assert.deepEqual(naming.name('hub'), { zh: 'hub', en: '' }, 'a channel no source claims is named by itself');
  });

  it('orders channels as the sources are given, instances by key, unclaimed channels last', () => {
    const naming = channelNaming([...EXTRA, ...defaultRegistry.labels()], cityName);
    const channels = ['health', 'zzz', 'police-4403', 'port-B', 'ministry', 'deaths', 'police-4401', 'port-A'];
    assert.deepEqual([...channels].sort(naming.compare), ['deaths', 'port-A', 'port-B', 'ministry', 'police-4401', 'police-4403', 'health', 'zzz']);
    assert.deepEqual(naming.name('port-A'), { zh: '口岸A', en: 'Border port A' }, 'a key that is no area is shown as it is');
  });

  it('renders the pulls of a source it was told about, with the English name as the tooltip', () => {
    const page = renderReport({
      ...EMPTY_INPUT,
      sources: [...defaultRegistry.labels(), ...EXTRA],
      counts: { 'deaths/register': { pulled: 3, staged: 3, rejected: 0, skipped: 0 }, 'civil/cremation': { pulled: 1, staged: 1, rejected: 0, skipped: 0 } },
    });
    assert.deepEqual(tableRows(page, 'pulls').map((r) => r[0]), ['民政殡葬 civil', '市死亡登记 deaths', '合计 Total']);
    assert.ok(page.includes('<span title="City death register">市死亡登记</span>'));
  });
});
