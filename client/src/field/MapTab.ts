/** 地图: the worker's grids, the streets in them, their incidents by light, and where they are. */
import { LiteMap, type LiteFeature } from '../lite/LiteMap.js';
import { el, LIGHT_COLOURS, LIGHT_NAMES, STATUS_NAMES } from '../lite/dom.js';
import { currentPosition } from '../lite/geolocation.js';
import { icon } from '../lite/icons.js';
import type { FieldContext } from './context.js';

export class MapTab {
  readonly element = el('section', { class: 'tab-map' });
  private readonly map: LiteMap;
  private readonly info = el('div', { class: 'lite-note', 'data-testid': 'map-info' });

  constructor(private readonly context: FieldContext, openIncident: (id: number) => void) {
    const container = el('div', { 'data-testid': 'field-map' });
    const locate = el('button', { class: 'lite-button secondary', type: 'button' }, icon('pin'), '我的位置');
    locate.addEventListener('click', async () => {
      try {
        const position = await currentPosition();
        this.map.setLayer('me', [{ geometry: { type: 'Point', coordinates: [position.coords.longitude, position.coords.latitude] }, style: { fill: '#1d4e89', stroke: '#fff', width: 3, radius: 8, label: '我' } }]);
        this.map.centerOn(position.coords.longitude, position.coords.latitude);
      } catch (error) {
        this.info.textContent = (error as Error).message;
      }
    });
    const legend = el('div', { class: 'lite-row lite-note' }, ...(['red', 'yellow', 'green'] as const).map((light) => el('span', {}, el('span', { class: 'lite-dot', style: `display:inline-block;background:${LIGHT_COLOURS[light]};vertical-align:middle` }), ` ${LIGHT_NAMES[light]}`)));
    this.element.append(el('div', { class: 'lite-card' }, container, el('div', { class: 'lite-row', style: 'margin-top:8px' }, locate), legend, this.info));
    this.map = new LiteMap(container);
    this.openIncident = openIncident;
    context.onChange(() => this.draw());
  }

  private readonly openIncident: (id: number) => void;

  draw(fit = false): void {
    const { grids, streets, incidents } = this.context;
    this.map.setLayer('grids', grids.map((g): LiteFeature => ({ geometry: g.geometry, style: { fill: 'rgba(29,78,137,0.08)', stroke: '#1d4e89', width: 2, label: g.properties.name, className: 'my-grid' } })));
    this.map.setLayer('streets', streets.map((s): LiteFeature => ({ geometry: s.geometry, style: { stroke: '#9aa3ad', width: 1.5 } })));
    this.map.setLayer(
      'incidents',
      incidents.map((i): LiteFeature => ({
        geometry: { type: 'Point', coordinates: [i.lon, i.lat] },
        style: { fill: LIGHT_COLOURS[i.light], stroke: '#fff', width: 2, radius: 8, className: `incident-dot light-${i.light}` },
        onTap: () => {
          this.info.textContent = `${this.context.categoryName(i.category)} · ${STATUS_NAMES[i.status] ?? i.status} · ${i.description ?? ''}`;
          this.openIncident(i.id);
        },
      })),
    );
    if (fit) this.map.fit(['grids']);
    this.info.textContent ||= `${grids.length} 个网格，${incidents.length} 件事件`;
  }
}
