/**
 * The OpenLayers map: Web Mercator view, zoom buttons, scale line, mouse position in lon/lat
 * (WGS84, whatever shift the map shows), attribution; the view is remembered in localStorage.
 */
import Map from 'ol/Map';
import View from 'ol/View';
import { defaults as defaultControls, ScaleLine, MousePosition, Attribution } from 'ol/control';
import { defaults as defaultInteractions } from 'ol/interaction';
import { isEmpty, intersects, type Extent } from 'ol/extent';
import type { MapCrs } from './crs';
import { lang } from '../i18n';

const VIEW_KEY = 'gridgov.view';

interface StoredView {
  lon: number;
  lat: number;
  zoom: number;
}

export class MapView {
  readonly map: Map;
  /** Off until the first view is chosen, so that the placeholder view is never remembered. */
  remembering = false;

  constructor(target: HTMLElement, mousePositionTarget: HTMLElement, private readonly crs: MapCrs) {
    this.map = new Map({
      target,
      view: new View({ center: crs.toMap([105, 35]), zoom: 4, maxZoom: 21, constrainResolution: false }),
      controls: defaultControls({ attribution: false, rotate: false }).extend([
        new ScaleLine({ units: 'metric', bar: true, steps: 4, text: false, minWidth: 120 }),
        new MousePosition({
          target: mousePositionTarget,
          placeholder: '\u00a0',
          coordinateFormat: (xy) => {
            if (!xy) return '';
            const [lon, lat] = this.crs.toLonLat(xy);
            return lang() === 'en' ? `WGS84 lon ${lon.toFixed(6)}, lat ${lat.toFixed(6)}` : `WGS84 经度 ${lon.toFixed(6)}，纬度 ${lat.toFixed(6)}`;
          },
        }),
        new Attribution({ collapsible: true, collapsed: false }),
      ]),
      interactions: defaultInteractions({ doubleClickZoom: true, pinchRotate: false, altShiftDragRotate: false }),
    });
    this.map.on('moveend', () => this.remember());
  }

  private remember(): void {
    if (!this.remembering) return;
    const view = this.map.getView();
    const center = view.getCenter();
    const zoom = view.getZoom();
    if (!center || zoom === undefined) return;
    const [lon, lat] = this.crs.toLonLat(center);
    localStorage.setItem(VIEW_KEY, JSON.stringify({ lon, lat, zoom } satisfies StoredView));
  }

  /** Restores the last view if it shows part of `dataExtent` (map coordinates). */
  restore(dataExtent: Extent | null): boolean {
    try {
      const stored = JSON.parse(localStorage.getItem(VIEW_KEY) ?? 'null') as StoredView | null;
      if (!stored || !Number.isFinite(stored.lon) || !Number.isFinite(stored.lat) || !Number.isFinite(stored.zoom)) return false;
      const view = this.map.getView();
      view.setCenter(this.crs.toMap([stored.lon, stored.lat]));
      view.setZoom(stored.zoom);
      if (dataExtent && !isEmpty(dataExtent)) {
        const size = this.map.getSize();
        if (size && !intersects(view.calculateExtent(size), dataExtent)) return false;
      }
      return true;
    } catch {
      return false;
    }
  }

  fit(extent: Extent, maxZoom = 18, duration = 0): void {
    if (isEmpty(extent)) return;
    // The history bar covers the top of the map.
    this.map.getView().fit(extent, { padding: [70, 40, 40, 40], maxZoom, duration });
  }
}
