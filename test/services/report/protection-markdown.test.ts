import { describe, expect, it } from 'vitest';
import type { Tier } from '../../../src/domain/inventory.js';
import { protectionMarkdown } from '../../../src/services/report/protection-markdown.js';
import { asset, host, layer, report } from '../../helpers/outputs/reports.js';

const tier = (name: string, over: Partial<Tier> = {}): Tier => ({ name, rpo: '1d', rpoSeconds: 86_400, rto: '1h', rtoSeconds: 3600, copies: 2, media: 1, offsite: 0, assets: [], keep: null, ...over });
const at = (iso: string) => Date.parse(iso) / 1000;
const doc = (parts: Parameters<typeof report>[0], restores: Parameters<typeof protectionMarkdown>[0]['restores'] = [], tiers = [tier('gold')]) =>
  protectionMarkdown({ report: report(parts), tiers, defaultTier: { copies: 2, media: 1, offsite: 0, rpoSeconds: 86_400 }, restores, configPath: '/etc/strata.json' });

describe('the protection report', () => {
  it('names a restore slower than its tier RTO, and a drill that proved nothing, as gaps', () => {
    const vm = asset('vm/100', { kind: 'vm', tier: 'gold', measuredRestoreSeconds: 5400, lastDrillAt: '2026-01-30T00:00:00Z', layers: [{ layerId: 'pbs', newestAt: '2026-01-31T01:00:00Z', via: [], hopLagSeconds: [], fresh: true, countsAsCopy: true, media: 'hdd', offsite: false }] });
    const text = doc({ hosts: [host('pve1')], layers: [layer('pbs')], assets: [vm] }, [
      { assetId: 'vm/100', layerId: 'pbs', atSec: at('2026-01-30T00:00:00Z'), kind: 'drill', proven: false, restoreSeconds: 5400 },
      { assetId: 'vm/100', layerId: 'pbs', atSec: at('2026-01-29T00:00:00Z'), kind: 'drill', proven: true, restoreSeconds: 600 },
      { assetId: 'vm/100', layerId: 'pbs', atSec: at('2026-01-31T00:00:00Z') },
    ]);
    expect(text).toContain('| `vm/100` | vm/100 | gold | ok | 2 / 2 | 1 / 1 | 0 / 0 | 2026-01-31 01:00:00Z | 1 h / 24 h | never | 2026-01-30 00:00:00Z, **not proven** | **1 h 30 min / 1 h** |');
    expect(text).toContain('- Workload `vm/100`: its last restore took 1 h 30 min, longer than the RTO of 1 h of tier gold');
    // Only the newest drill of a workload is listed; a verify is no drill.
    expect(text).toContain('| `vm/100` | drill | 2026-01-30 00:00:00Z | `pbs` | **not proven** | 1 h 30 min | 1 h |');
    expect(text).not.toContain('2026-01-29');
    expect(text).toContain('| gold | 1 | 1 of 1 | 2 | 1 | 0 | 24 h | 1 h | 1 h 30 min (`vm/100`) | 1 of 1 guest |');
  });

  it('says there is no gap only when everything is ok and every RTO was met', () => {
    const ok = asset('vm/100', { kind: 'vm', tier: 'gold', measuredRestoreSeconds: 600 });
    expect(doc({ assets: [ok] })).toContain('## Gaps\n\nNone: every host, layer and workload is ok, and every RTO a tier sets is met by a measured restore.');
    expect(doc({ assets: [asset('vm/100', { kind: 'vm', tier: 'gold' })] })).toContain('- Tier gold sets an RTO of 1 h; no drill or restore has measured its one workload: `vm/100`');
    expect(doc({ assets: [] })).toContain('No workload was found on any layer.');
  });

  it('keeps a hostile workload name inside its cell', () => {
    const text = doc({ assets: [asset('files/h:/a|b', { name: 'x|*y*\nz' })] });
    expect(text).toContain('| `files/h:/a\\|b` | x\\|\\*y\\* z | (default) |');
  });
});
