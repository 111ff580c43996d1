/** 巡查: start and stop a patrol, how far and how long, and what is still waiting to be sent. */
import { el } from '../lite/dom.js';
import type { FieldContext } from './context.js';
import { PatrolRecorder } from './PatrolRecorder.js';

export class PatrolTab {
  readonly element = el('section', { class: 'tab-patrol' });
  readonly recorder: PatrolRecorder;

  constructor(context: FieldContext) {
    this.recorder = new PatrolRecorder(context.outbox);
    const button = el('button', { class: 'lite-button wide', type: 'button', 'data-testid': 'patrol-button' }, '开始巡查');
    const km = el('b', {}, '0.00');
    const minutes = el('b', {}, '0');
    const pieces = el('b', {}, '0');
    const pending = el('div', { class: 'lite-note', 'data-testid': 'patrol-pending' });
    const error = el('div', { class: 'lite-error' });
    button.addEventListener('click', () => {
      const running = button.dataset.running === '1';
      if (running) this.recorder.stop();
      else this.recorder.start();
    });
    let startedAt: number | null = null;
    this.recorder.onChange((state) => {
      button.dataset.running = state.running ? '1' : '0';
      button.textContent = state.running ? '结束巡查' : '开始巡查';
      button.className = `lite-button wide${state.running ? ' danger' : ''}`;
      km.textContent = (state.metres / 1000).toFixed(2);
      pieces.textContent = String(state.pieces);
      startedAt = state.startedAt;
      error.textContent = state.error ?? '';
    });
    setInterval(() => (minutes.textContent = startedAt ? String(Math.floor((Date.now() - startedAt) / 60_000)) : '0'), 5_000);
    context.outbox.onChange((state) => {
      pending.textContent = state.pending > 0 ? `${state.pending} 段轨迹待上传${state.sending ? '（上传中…）' : '（网络恢复后自动上传）'}` : '轨迹已全部上传';
      if (state.refused.length > 0) error.textContent = `未被接收：${state.refused.map((r) => `${r.label}（${r.message}）`).join('；')}`;
    });
    this.element.append(
      el(
        'div',
        { class: 'lite-card' },
        el('h2', {}, '巡查'),
        el('p', { class: 'lite-note' }, '巡查时请保持本页面打开；轨迹分段上传，断网时保存在手机上，联网后自动补传。'),
        el('div', { class: 'lite-stats' }, el('div', {}, km, '公里'), el('div', {}, minutes, '分钟'), el('div', {}, pieces, '段')),
        el('div', { style: 'margin-top:10px' }, button),
        pending,
        error,
      ),
    );
  }
}
