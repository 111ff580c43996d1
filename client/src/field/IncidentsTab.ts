/**
 * 事件: the worker's incidents, red first then by deadline; one opened shows its place and
 * description and the steps the worker may take (接单, 开始处置, 办结, 上报上级), each with a
 * note and a photo.
 */
import { cameraInput, type ShrunkPhoto } from '../lite/photo.js';
import { el, LIGHT_COLOURS, LIGHT_NAMES, shortTime, STATUS_NAMES } from '../lite/dom.js';
import type { FieldContext, Incident } from './context.js';

/** The steps a grid worker takes; dispatching to others, rejecting and closing are the command centre's. */
const STEPS: Record<string, { to: string; label: string }[]> = {
  reported: [{ to: 'dispatched', label: '接单' }],
  reopened: [{ to: 'dispatched', label: '接单' }],
  dispatched: [{ to: 'in_progress', label: '开始处置' }],
  in_progress: [{ to: 'resolved', label: '办结' }],
};

export class IncidentsTab {
  readonly element = el('section', { class: 'tab-incidents' });
  private readonly list = el('ul', { class: 'lite-list', 'data-testid': 'incident-list' });
  private readonly detail = el('div', { class: 'lite-card', hidden: '' });

  constructor(private readonly context: FieldContext) {
    this.element.append(this.detail, el('div', { class: 'lite-card' }, el('h2', {}, '我的事件'), this.list));
    context.onChange(() => this.renderList());
  }

  private renderList(): void {
    const items = this.context.incidents.map((incident) => {
      const item = el(
        'li',
        { 'data-light': incident.light },
        el('span', { class: 'lite-dot', style: `background:${LIGHT_COLOURS[incident.light]}`, title: LIGHT_NAMES[incident.light]! }),
        el(
          'div',
          { class: 'lite-grow' },
          el('div', { class: 'lite-title' }, `${this.context.categoryName(incident.category)} · ${incident.description ?? '（无描述）'}`),
          el('div', { class: 'lite-note' }, `${STATUS_NAMES[incident.status] ?? incident.status} · ${this.context.gridName(incident.gridCode)} · 期限 ${shortTime(incident.deadlineAt)}`),
        ),
      );
      item.addEventListener('click', () => this.open(incident.id));
      return item;
    });
    this.list.replaceChildren(...(items.length ? items : [el('li', { class: 'lite-note' }, '暂无待办事件')]));
  }

  open(id: number): void {
    const incident = this.context.incidents.find((i) => i.id === id);
    if (!incident) return;
    this.renderDetail(incident);
    this.detail.hidden = false;
    this.detail.scrollIntoView({ block: 'start' });
  }

  private renderDetail(incident: Incident): void {
    let photo: ShrunkPhoto | undefined;
    const message = el('div', { class: 'lite-note' });
    const note = el('textarea', { placeholder: '处置情况（办结时必填）' });
    const publicNote = el('input', { placeholder: '告知群众（选填）' });
    const buttons = (STEPS[incident.status] ?? []).map(({ to, label }) => {
      const button = el('button', { class: 'lite-button', type: 'button', 'data-to': to }, label);
      button.addEventListener('click', async () => {
        // 办结 says what was done; the other steps may go without a note.
        if (to === 'resolved' && note.value.trim() === '') {
          message.className = 'lite-error';
          message.textContent = '请填写处置情况';
          return;
        }
        button.disabled = true;
        try {
          const json: Record<string, unknown> = { to, note: note.value.trim() || null, publicNote: publicNote.value.trim() || null, photo: photo?.dataUrl };
          if (to === 'dispatched') json.assignee = this.context.staff.id;
          await this.context.api.call(`/api/incidents/${incident.id}/transition`, { json, headers: { 'If-Match': `"${incident.version}"` } });
          message.className = 'lite-ok';
          message.textContent = `已${label}`;
          await this.context.refreshIncidents();
          const fresh = this.context.incidents.find((i) => i.id === incident.id);
          if (fresh) this.renderDetail(fresh);
          else this.detail.hidden = true;
        } catch (error) {
          message.className = 'lite-error';
          message.textContent = (error as Error).message;
          button.disabled = false;
        }
      });
      return button;
    });
    const escalate = el('button', { class: 'lite-button secondary', type: 'button' }, '上报上级');
    escalate.addEventListener('click', async () => {
      escalate.disabled = true;
      try {
        await this.context.api.call(`/api/incidents/${incident.id}/escalate`, { json: { note: note.value.trim() || '网格内无法处置，上报上级', photo: photo?.dataUrl } });
        message.className = 'lite-ok';
        message.textContent = '已上报上级';
        await this.context.refreshIncidents();
      } catch (error) {
        message.className = 'lite-error';
        message.textContent = (error as Error).message;
        escalate.disabled = false;
      }
    });
    const close = el('button', { class: 'lite-button secondary', type: 'button' }, '收起');
    close.addEventListener('click', () => (this.detail.hidden = true));
    const open = ['reported', 'dispatched', 'in_progress', 'reopened'].includes(incident.status);
    const parts: (HTMLElement | null)[] = [
      el('h2', {}, `${this.context.categoryName(incident.category)} #${incident.id}`),
      el('div', {}, el('span', { class: 'lite-chip', style: `background:${LIGHT_COLOURS[incident.light]};color:#fff` }, LIGHT_NAMES[incident.light]!), ' ', STATUS_NAMES[incident.status] ?? incident.status),
      el('p', {}, incident.description ?? '（无描述）'),
      el('div', { class: 'lite-note' }, `${this.context.gridName(incident.gridCode)} · 上报 ${shortTime(incident.reportedAt)} · 期限 ${shortTime(incident.deadlineAt)}`),
      open ? el('label', { class: 'lite-field' }, el('span', {}, '处置情况'), note) : null,
      open ? el('label', { class: 'lite-field' }, el('span', {}, '告知群众'), publicNote) : null,
      open ? cameraInput((shrunk, error) => ((photo = shrunk), error && (message.textContent = error))) : null,
      el('div', { class: 'lite-row', style: 'margin-top:10px' }, ...buttons, open ? escalate : null, close),
      message,
    ];
    this.detail.replaceChildren(...parts.filter((node): node is HTMLElement => node !== null));
  }
}
