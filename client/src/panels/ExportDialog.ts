/**
 * 导出: a region's grids to a file — a zipped shapefile in the CRS a survey bureau wants (WGS84,
 * CGCS2000 lon/lat, or the CGCS2000 Gauss–Krüger zone of the region: 3° with or without the
 * zone number, 6°), GeoJSON (WGS84, RFC 7946) or CSV with WKT — through
 * GET /api/regions/:code/export, downloaded by the browser.
 *
 * Options: `api`; `dialog`; `regions()` (the regions the client holds, to choose from);
 * `initial()` (the region to offer first) and `centre(code)` (its longitude, for the zones).
 */
import type { Api } from '../api';
import { t } from '../i18n';
import type { Dialog } from './Dialog';
import { el } from './dom';

export type ExportFormat = 'shapefile' | 'geojson' | 'csv';

export interface ExportOptions {
  api: Api;
  dialog: Dialog;
  regions(): { code: string; name: string; level: string }[];
  initial(): string | null;
  longitude(code: string): number | null;
}

/** The CGCS2000 systems a region at `lon` is exported in: lon/lat, its 3° zone (numbered and by central meridian), its 6° zone. */
export function exportCrsChoices(lon: number | null): { value: string; label: string }[] {
  const choices = [
    { value: 'wgs84', label: t('export.crs.wgs84') },
    { value: 'EPSG:4490', label: t('export.crs.cgcs2000') },
  ];
  if (lon === null || !(lon >= 73.5 && lon <= 135.5)) return choices;
  const zone3 = Math.round(lon / 3);
  const zone6 = Math.floor(lon / 6) + 1;
  if (zone3 >= 25 && zone3 <= 45) {
    choices.push({ value: `EPSG:${4513 + zone3 - 25}`, label: t('export.crs.gk3', { zone: zone3, cm: zone3 * 3, epsg: 4513 + zone3 - 25 }) });
    choices.push({ value: `EPSG:${4534 + zone3 - 25}`, label: t('export.crs.gk3cm', { cm: zone3 * 3, epsg: 4534 + zone3 - 25 }) });
  }
  if (zone6 >= 13 && zone6 <= 23) choices.push({ value: `EPSG:${4491 + zone6 - 13}`, label: t('export.crs.gk6', { zone: zone6, cm: zone6 * 6 - 3, epsg: 4491 + zone6 - 13 }) });
  return choices;
}

export class ExportDialog {
  constructor(private readonly options: ExportOptions) {}

  async open(): Promise<void> {
    const regions = this.options.regions();
    const initial = this.options.initial() ?? regions[0]?.code ?? '';
    const region = el(
      'select',
      { className: 'field-select', 'data-control': 'export-region' },
      ...regions.map((r) => el('option', { value: r.code, selected: r.code === initial, text: `${r.name}（${r.code}）` })),
    );
    const format = el(
      'select',
      { className: 'field-select', 'data-control': 'export-format' },
      ...(['shapefile', 'geojson', 'csv'] as ExportFormat[]).map((f) => el('option', { value: f, text: t(`export.format.${f}`) })),
    );
    const crs = el('select', { className: 'field-select', 'data-control': 'export-crs' });
    const crsField = el('label', { className: 'field' }, el('span', { text: t('export.crs') }), crs);
    const note = el('p', { className: 'muted small' });
    const sync = () => {
      const choices = exportCrsChoices(this.options.longitude(region.value));
      const kept = crs.value;
      crs.replaceChildren(...choices.map((c) => el('option', { value: c.value, selected: c.value === kept, text: c.label })));
      // GeoJSON is WGS84 lon/lat by its standard.
      crsField.hidden = format.value === 'geojson';
      note.textContent = t(`export.note.${format.value as ExportFormat}`);
    };
    region.addEventListener('change', sync);
    format.addEventListener('change', sync);
    sync();
    const body = el(
      'div',
      { className: 'export-form', 'data-role': 'export-form' },
      el('label', { className: 'field' }, el('span', { text: t('export.region') }), region),
      el('label', { className: 'field' }, el('span', { text: t('export.format') }), format),
      crsField,
      note,
    );
    const choice = await this.options.dialog.open(t('export.title'), body, [
      { id: 'cancel', label: t('dialog.cancel') },
      { id: 'download', label: t('export.download'), primary: true },
    ]);
    if (choice !== 'download' || !region.value) return;
    const link = el('a', { href: this.options.api.exportUrl(region.value, format.value as ExportFormat, format.value === 'geojson' ? undefined : crs.value), download: '', 'data-role': 'export-link' });
    document.body.append(link);
    link.click();
    link.remove();
  }
}
