/**
 * The base map chosen in the settings: gridgov's own (the stored roads, water and buildings as
 * vector tiles, LocalBaseLayer — the default, and it works offline), none, or an online XYZ tile
 * layer (OpenStreetMap, Tianditu with a key, Gaode/Amap, Tencent, a custom URL). Each choice says
 * its coordinate system; a GCJ-02 base map makes the app shift the data layers to GCJ-02. When an
 * online base map's tiles fail to load (no internet), gridgov's own shows instead.
 */
import TileLayer from 'ol/layer/Tile';
import XYZ from 'ol/source/XYZ';
import type { DataCrs } from '../map/crs';

export type BaseMapId = 'local' | 'none' | 'osm' | 'tianditu' | 'tiandituImg' | 'amap' | 'tencent' | 'custom';

export interface BaseMapSettings {
  id: BaseMapId;
  tiandituKey: string;
  customUrl: string;
  customCrs: DataCrs;
}

export const DEFAULT_BASE_MAP: BaseMapSettings = { id: 'local', tiandituKey: '', customUrl: '', customCrs: 'wgs84' };

interface Definition {
  urls: (settings: BaseMapSettings) => string[];
  crs: DataCrs;
  attribution: string;
  maxZoom: number;
}

const tianditu = (layer: 'vec' | 'img' | 'cva' | 'cia') => (settings: BaseMapSettings) =>
  [0, 1, 2, 3, 4, 5, 6, 7].map(
    (n) =>
      `https://t${n}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(settings.tiandituKey)}`,
  );

export const BASE_MAPS: Record<Exclude<BaseMapId, 'none' | 'local'>, Definition> = {
  osm: { urls: () => ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'], crs: 'wgs84', attribution: '© OpenStreetMap contributors', maxZoom: 19 },
  tianditu: { urls: tianditu('vec'), crs: 'wgs84', attribution: '© 天地图', maxZoom: 18 },
  tiandituImg: { urls: tianditu('img'), crs: 'wgs84', attribution: '© 天地图', maxZoom: 18 },
  amap: {
    urls: () => [1, 2, 3, 4].map((n) => `https://webrd0${n}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}`),
    crs: 'gcj02',
    attribution: '© 高德地图',
    maxZoom: 18,
  },
  tencent: {
    urls: () => [0, 1, 2, 3].map((n) => `https://rt${n}.map.gtimg.com/tile?z={z}&x={x}&y={-y}&type=vector&styleid=0`),
    crs: 'gcj02',
    attribution: '© 腾讯地图',
    maxZoom: 18,
  },
  custom: { urls: (s) => [s.customUrl], crs: 'wgs84', attribution: '', maxZoom: 20 },
};

/** The coordinate system the data must be shown in to line up with `settings`' base map. */
export function crsOf(settings: BaseMapSettings): DataCrs {
  if (settings.id === 'none' || settings.id === 'local') return 'wgs84';
  if (settings.id === 'custom') return settings.customCrs;
  return BASE_MAPS[settings.id].crs;
}

/** Failed tiles of an online base map after which gridgov's own base map is shown under it. */
const FAILED_TILES_FOR_FALLBACK = 3;

export class BaseMapLayer {
  readonly layer = new TileLayer({ properties: { name: 'basemap' }, zIndex: 0, visible: false });
  /** Tianditu's labels (注记) over its vector or imagery tiles. */
  readonly labels = new TileLayer({ properties: { name: 'basemap-labels' }, zIndex: 1, visible: false });

  /** @param local gridgov's own base map, shown for `local` and when an online one cannot load. */
  constructor(private readonly local?: { setVisible(visible: boolean): void }) {}

  apply(settings: BaseMapSettings): void {
    const online = settings.id !== 'none' && settings.id !== 'local';
    const usable = online && !(settings.id === 'custom' && !settings.customUrl) && !(settings.id.startsWith('tianditu') && !settings.tiandituKey);
    // Ours when chosen, and in place of an online map that cannot be used (a Tianditu choice without its key).
    this.local?.setVisible(settings.id === 'local' || (online && !usable));
    if (!usable) {
      this.layer.setVisible(false);
      this.labels.setVisible(false);
      this.layer.setSource(null);
      this.labels.setSource(null);
      return;
    }
    const definition = BASE_MAPS[settings.id as Exclude<BaseMapId, 'none' | 'local'>];
    const source = new XYZ({ urls: definition.urls(settings), attributions: definition.attribution || undefined, maxZoom: definition.maxZoom, crossOrigin: 'anonymous' });
    let failed = 0;
    source.on('tileloaderror', () => {
      if (++failed === FAILED_TILES_FOR_FALLBACK) this.local?.setVisible(true);
    });
    this.layer.setSource(source);
    this.layer.setVisible(true);
    if (settings.id === 'tianditu' || settings.id === 'tiandituImg') {
      const labels = settings.id === 'tianditu' ? 'cva' : 'cia';
      this.labels.setSource(new XYZ({ urls: tianditu(labels)(settings), maxZoom: 18, crossOrigin: 'anonymous' }));
      this.labels.setVisible(true);
    } else {
      this.labels.setVisible(false);
      this.labels.setSource(null);
    }
  }
}
