/**
 * 走访: a visit to a registered address of the worker's grids — chosen from the grid's address
 * list (searchable), with a note and a photo. Sent through the outbox: a visit made where
 * there is no signal is kept and sent later (idempotent on its client id).
 */
import { cameraInput, type ShrunkPhoto } from '../lite/photo.js';
import { el } from '../lite/dom.js';
import { clientId } from '../lite/http.js';
import type { FieldContext } from './context.js';
import type { AddressesAnswer } from '../../../server/api-types/grids';

/** A registered address of one of the worker's grids, as the server answers it. */
type Address = AddressesAnswer['addresses'][number];

export class VisitsTab {
  readonly element = el('section', { class: 'tab-visits' });
  private addresses: Address[] = [];
  private photo: ShrunkPhoto | undefined;
  private readonly search = el('input', { type: 'search', placeholder: '搜索地址（门牌、楼栋）' });
  private readonly list = el('ul', { class: 'lite-list', 'data-testid': 'address-list' });
  private readonly form = el('div', { class: 'lite-card', hidden: '' });
  private loaded = false;

  constructor(private readonly context: FieldContext) {
    this.search.addEventListener('input', () => this.renderList());
    this.element.append(this.form, el('div', { class: 'lite-card' }, el('h2', {}, '走访'), el('label', { class: 'lite-field' }, this.search), this.list));
  }

  async show(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    this.list.replaceChildren(el('li', { class: 'lite-note' }, '加载地址…'));
    const answers = await Promise.all(
      this.context.staff.gridCodes.map((code) => this.context.api.call<AddressesAnswer>(`/api/grids/${code}/addresses?limit=2000`).catch(() => ({ addresses: [] as Address[] }))),
    );
    this.addresses = answers.flatMap((a) => a.addresses);
    this.renderList();
  }

  private renderList(): void {
    const q = this.search.value.trim();
    const shown = this.addresses.filter((a) => q === '' || a.address.includes(q)).slice(0, 50);
    this.list.replaceChildren(
      ...(shown.length
        ? shown.map((a) => {
            const item = el('li', {}, el('div', { class: 'lite-grow' }, el('div', { class: 'lite-title' }, a.address), a.household ? el('div', { class: 'lite-note' }, '住户') : null));
            item.addEventListener('click', () => this.choose(a));
            return item;
          })
        : [el('li', { class: 'lite-note' }, this.addresses.length ? '没有匹配的地址' : '本网格还没有登记地址')]),
    );
  }

  private choose(address: Address): void {
    this.photo = undefined;
    const note = el('textarea', { placeholder: '走访情况' });
    const message = el('div');
    const save = el('button', { class: 'lite-button wide', type: 'button' }, '记录走访');
    save.addEventListener('click', () => {
      const id = clientId('visit');
      this.context.outbox.add({
        id,
        path: '/api/visits',
        label: `走访 ${address.address}`,
        json: { clientId: id, addressId: address.id, note: note.value.trim() || null, visitedAt: new Date().toISOString(), photo: this.photo?.dataUrl },
      });
      message.className = 'lite-ok';
      message.textContent = navigator.onLine ? '已记录' : '已保存，联网后上传';
      save.disabled = true;
    });
    this.form.replaceChildren(
      el('h2', {}, '走访记录'),
      el('div', { class: 'lite-title' }, address.address),
      el('label', { class: 'lite-field' }, el('span', {}, '情况'), note),
      cameraInput((photo) => (this.photo = photo)),
      el('div', { style: 'margin-top:10px' }, save),
      message,
    );
    this.form.hidden = false;
    this.form.scrollIntoView({ block: 'start' });
  }
}
