/**
 * The phone page of a grid worker (网格员终端), /m/: signs in with the worker's own key (from
 * the link `/m/#key=…` once, then kept on this phone), and shows their grids, incidents,
 * reporting, patrols, visits and the day's log. A small separate entry of the build.
 */
import '../lite/lite.css';
import { el } from '../lite/dom.js';
import { LiteApi } from '../lite/http.js';
import { icon, type IconName } from '../lite/icons.js';
import { FieldContext, DUTY_NAMES, type Me } from './context.js';
import { MapTab } from './MapTab.js';
import { IncidentsTab } from './IncidentsTab.js';
import { ReportTab } from './ReportTab.js';
import { PatrolTab } from './PatrolTab.js';
import { VisitsTab } from './VisitsTab.js';
import { LogTab } from './LogTab.js';

const KEY = 'gridgov.field.key';

function takeKeyFromUrl(): void {
  const match = /[#&]key=([^&]+)/.exec(location.hash);
  if (!match) return;
  localStorage.setItem(KEY, decodeURIComponent(match[1]!));
  history.replaceState(null, '', location.pathname + location.search);
}

function signIn(root: HTMLElement, problem?: string): void {
  const input = el('input', { type: 'password', autocomplete: 'off', placeholder: 'gg_…' });
  const message = el('div', { class: 'lite-error' }, problem ?? '');
  const button = el('button', { class: 'lite-button wide', type: 'button' }, '登录');
  button.addEventListener('click', async () => {
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    try {
      const me = await new LiteApi(key).call<Me>('/api/me');
      if (!me.staffId) throw new Error('这把密钥不是网格员密钥');
      localStorage.setItem(KEY, key);
      void start(root);
    } catch (error) {
      message.textContent = (error as Error).message;
      button.disabled = false;
    }
  });
  root.replaceChildren(
    el('header', { class: 'lite-top' }, el('h1', {}, '网格员 · 登录')),
    el('main', { class: 'lite-main' }, el('div', { class: 'lite-card' }, el('p', {}, '请输入管理员为你发放的网格员密钥（仅保存在本机）。'), el('label', { class: 'lite-field' }, input), button, message)),
  );
}

async function start(root: HTMLElement): Promise<void> {
  const key = localStorage.getItem(KEY);
  if (!key) return signIn(root);
  const context = new FieldContext(key);
  root.replaceChildren(el('main', { class: 'lite-main' }, el('div', { class: 'lite-card lite-note' }, '加载中…')));
  try {
    await context.load();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401) localStorage.removeItem(KEY);
    return signIn(root, (error as Error).message);
  }
  const tabs = {
    map: new MapTab(context, (id) => {
      select('incidents');
      incidents.open(id);
    }),
    incidents: new IncidentsTab(context),
    report: new ReportTab(context),
    patrol: new PatrolTab(context),
    visits: new VisitsTab(context),
    log: new LogTab(context),
  };
  const incidents = tabs.incidents;
  const labels: Record<keyof typeof tabs, [IconName, string]> = { map: ['map', '地图'], incidents: ['list', '事件'], report: ['plus', '上报'], patrol: ['walk', '巡查'], visits: ['home', '走访'], log: ['book', '日志'] };
  const nav = el('nav', { class: 'lite-tabs', role: 'tablist' });
  const main = el('main', { class: 'lite-main' });
  const logout = el('button', { class: 'lite-button secondary', type: 'button', style: 'min-height:34px;padding:4px 10px' }, '退出');
  logout.addEventListener('click', () => {
    localStorage.removeItem(KEY);
    signIn(root);
  });
  const duty = DUTY_NAMES[context.staff.duty] ?? context.staff.duty;
  root.replaceChildren(
    el('header', { class: 'lite-top' }, el('h1', {}, `${context.staff.name} `, el('span', { class: 'sub' }, `${duty} · ${context.grids.map((g) => g.properties.name).join('、') || '无网格'}`)), logout),
    main,
    nav,
  );
  const select = (name: keyof typeof tabs) => {
    for (const button of nav.querySelectorAll('button')) button.setAttribute('aria-selected', String(button.dataset.tab === name));
    main.replaceChildren(tabs[name].element);
    if (name === 'visits') void tabs.visits.show();
    if (name === 'log') void tabs.log.show();
    if (name === 'map') tabs.map.draw(true);
  };
  for (const name of Object.keys(tabs) as (keyof typeof tabs)[]) {
    const [iconName, label] = labels[name];
    const button = el('button', { type: 'button', role: 'tab', 'data-tab': name }, icon(iconName), label);
    button.addEventListener('click', () => select(name));
    nav.append(button);
  }
  context.changed();
  select('map');
  setInterval(() => void context.refreshIncidents().catch(() => undefined), 60_000);
  (window as unknown as { gridgovField: unknown }).gridgovField = { context, tabs, select };
}

takeKeyFromUrl();
void start(document.getElementById('field')!);
