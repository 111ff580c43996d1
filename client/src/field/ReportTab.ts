/**
 * 上报: a new incident where the worker stands — category, description, a photo from the
 * camera, the GPS position. The server places it in its grid, or refuses it naming the nearest
 * grid when the position lies outside every grid (or in a grid not the worker's).
 */
import { cameraInput, type ShrunkPhoto } from '../lite/photo.js';
import { currentPosition } from '../lite/geolocation.js';
import { el } from '../lite/dom.js';
import { icon } from '../lite/icons.js';
import type { ApiError } from '../api-error';
import type { FieldContext, Incident } from './context.js';

export class ReportTab {
  readonly element = el('section', { class: 'tab-report' });
  private photo: ShrunkPhoto | undefined;
  private position: { lon: number; lat: number; accuracy: number } | undefined;

  constructor(private readonly context: FieldContext) {
    this.render();
    context.onChange(() => this.fillCategories());
  }

  private readonly category = el('select', { name: 'category' });
  private readonly description = el('textarea', { name: 'description', placeholder: '发生了什么？在哪里？' });
  private readonly where = el('div', { class: 'lite-note', 'data-testid': 'report-where' }, '尚未定位');
  private readonly message = el('div', { 'data-testid': 'report-message' });

  private fillCategories(): void {
    if (this.category.options.length > 0) return;
    for (const c of this.context.categories) this.category.append(el('option', { value: c.code }, c.name));
  }

  private render(): void {
    const locate = el('button', { class: 'lite-button secondary', type: 'button', 'data-action': 'locate' }, icon('pin'), '定位');
    locate.addEventListener('click', () => void this.locate());
    const submit = el('button', { class: 'lite-button wide', type: 'button' }, '上报');
    submit.addEventListener('click', async () => {
      submit.disabled = true;
      try {
        await this.submit();
      } finally {
        submit.disabled = false;
      }
    });
    this.element.append(
      el(
        'div',
        { class: 'lite-card' },
        el('h2', {}, '上报事件'),
        el('label', { class: 'lite-field' }, el('span', {}, '类别'), this.category),
        el('label', { class: 'lite-field' }, el('span', {}, '描述'), this.description),
        cameraInput((photo, error) => {
          this.photo = photo;
          if (error) this.show(error, true);
        }),
        el('div', { class: 'lite-row', style: 'margin:10px 0' }, locate),
        this.where,
        submit,
        this.message,
      ),
    );
  }

  private show(text: string, error = false): void {
    this.message.className = error ? 'lite-error' : 'lite-ok';
    this.message.textContent = text;
  }

  private async locate(): Promise<boolean> {
    this.where.textContent = '定位中…';
    try {
      const p = await currentPosition();
      this.position = { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy };
      this.where.textContent = `已定位：${this.position.lon.toFixed(5)}, ${this.position.lat.toFixed(5)}（精度约 ${Math.round(this.position.accuracy)} 米）`;
      return true;
    } catch (error) {
      this.where.textContent = (error as Error).message;
      return false;
    }
  }

  private async submit(): Promise<void> {
    if (!this.position && !(await this.locate())) return this.show('需要定位才能上报', true);
    if (!this.photo && this.description.value.trim().length < 2) return this.show('请拍照或写几句描述', true);
    try {
      const incident = await this.context.api.call<Incident>('/api/incidents', {
        json: { category: this.category.value, description: this.description.value.trim() || null, lon: this.position!.lon, lat: this.position!.lat, crs: 'wgs84', photo: this.photo?.dataUrl },
        timeoutMs: 60_000,
      });
      this.show(`已上报（#${incident.id}，${this.context.gridName(incident.gridCode)}）`);
      this.description.value = '';
      await this.context.refreshIncidents();
    } catch (error) {
      const e = error as ApiError;
      const nearest = (e.details as { nearest?: { code: string; distanceM: number } } | undefined)?.nearest;
      this.show(nearest ? `${e.message}（最近的网格 ${nearest.code}，约 ${Math.round(nearest.distanceM)} 米）` : e.message, true);
    }
  }
}
