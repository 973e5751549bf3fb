/**
 * Asset ids: `vm/100`, `ct/101` (PVE guests, like PBS backup groups),
 * `dataset/tank/data` (ZFS), `files/docker1:/srv/app` (paths on a host),
 * `host/pve1` (a host's own configuration).
 */
import type { Asset, AssetId } from './types.js';

export type ParsedAssetId =
  | { readonly kind: 'vm' | 'ct'; readonly vmid: number }
  | { readonly kind: 'dataset'; readonly dataset: string; readonly pool: string }
  | { readonly kind: 'files'; readonly host: string; readonly path: string }
  | { readonly kind: 'host'; readonly host: string };

export const ASSET_ID_HINT = 'an asset id like vm/100, ct/101, dataset/tank/data, files/docker1:/srv/app or host/pve1';

const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DATASET = /^[A-Za-z][A-Za-z0-9_.:-]*(?:\/[A-Za-z0-9_.:-]+)*$/;

export function parseAssetId(id: string): ParsedAssetId | null {
  if (typeof id !== 'string') return null;
  const slash = id.indexOf('/');
  if (slash < 0) return null;
  const kind = id.slice(0, slash);
  const rest = id.slice(slash + 1);
  switch (kind) {
    case 'vm':
    case 'ct': {
      if (!/^[1-9]\d{2,8}$/.test(rest)) return null;
      return { kind, vmid: Number(rest) };
    }
    case 'dataset':
      return DATASET.test(rest) ? { kind, dataset: rest, pool: rest.split('/')[0]! } : null;
    case 'files': {
      const colon = rest.indexOf(':');
      if (colon < 0) return null;
      const host = rest.slice(0, colon);
      const path = rest.slice(colon + 1);
      return HOST.test(host) && path.startsWith('/') ? { kind, host, path } : null;
    }
    case 'host':
      return HOST.test(rest) ? { kind, host: rest } : null;
    default:
      return null;
  }
}

/** A path as one workload: `/srv/app/` and `/srv/app` are the same directory. */
export function normaliseFilesPath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** `files/docker1:/srv/app`: a path on a host, the host named as in the inventory. */
export const filesAssetId = (host: string, path: string): AssetId => `files/${host}:${path}`;

/** The pool a dataset is on: its first component. */
export const poolOfDataset = (dataset: string): string => dataset.split('/')[0]!;

/** A ZFS dataset as a workload: live on `host`, on its pool. */
export const datasetAsset = (name: string, host: string): Asset => ({ id: `dataset/${name}`, kind: 'dataset', name, host, pool: poolOfDataset(name) });

export const isAssetId = (id: unknown): id is AssetId => typeof id === 'string' && parseAssetId(id) !== null;

