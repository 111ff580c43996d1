/** 日志: the day's 网格日志, built by the server from what the worker recorded (GET /api/staff/:id/log). */
import { el, shortTime, STATUS_NAMES } from '../lite/dom.js';
import type { FieldContext } from './context.js';
import type { WorkLogAnswer } from '../../../server/api-types/patrols';

type Entry = WorkLogAnswer['entries'][number];

export class LogTab {
  readonly element = el('section', { class: 'tab-log' });
  private readonly body = el('div', { class: 'lite-card', 'data-testid': 'work-log' });

  constructor(private readonly context: FieldContext) {
    this.element.append(this.body);
  }

  async show(): Promise<void> {
    this.body.replaceChildren(el('div', { class: 'lite-note' }, '加载中…'));
    try {
      const log = await this.context.api.call<WorkLogAnswer>(`/api/staff/${this.context.staff.id}/log`);
      const t = log.totals;
      const line = (e: Entry): string => {
        switch (e.kind) {
          case 'report':
            return `上报 ${this.context.categoryName(e.category ?? '')}：${e.description ?? ''}`;
          case 'step':
            return e.escalated ? `事件 #${e.incidentId} 上报上级${e.note ? `：${e.note}` : ''}` : `事件 #${e.incidentId} ${STATUS_NAMES[e.to ?? ''] ?? e.to}${e.note ? `：${e.note}` : ''}`;
          case 'patrol':
            return `巡查 ${e.km?.toFixed(2)} 公里（至 ${shortTime(e.until ?? e.at).slice(6)}）`;
          case 'visit':
            return `走访 ${e.address}${e.note ? `：${e.note}` : ''}`;
        }
      };
      this.body.replaceChildren(
        el('h2', {}, `网格日志 ${log.date}`),
        el('div', { class: 'lite-stats' }, el('div', {}, el('b', {}, String(t.reports)), '上报'), el('div', {}, el('b', {}, t.patrolKm.toFixed(1)), '巡查公里'), el('div', {}, el('b', {}, String(t.visits)), '走访')),
        el('ul', { class: 'lite-list' }, ...(log.entries.length ? log.entries.map((e) => el('li', { 'data-kind': e.kind }, el('span', { class: 'lite-note' }, shortTime(e.at).slice(6)), el('div', { class: 'lite-grow' }, line(e)))) : [el('li', { class: 'lite-note' }, '今天还没有记录')])),
      );
    } catch (error) {
      this.body.replaceChildren(el('div', { class: 'lite-error' }, (error as Error).message));
    }
  }
}
