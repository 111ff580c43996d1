/**
 * 随手拍, /report: a resident's report without a key — a photo from the camera, the place (GPS,
 * or a tap on the map of streets), a category and a few words — sent as multipart to
 * POST /api/public/reports; the tracking number it answers is kept on this phone, and its
 * status (with the notes written for the public) can be looked up at any time.
 */
import '../lite/lite.css';
import type { PublicCategoriesAnswer, PublicReportFiled, PublicStatus, PublicStreetsAnswer } from '../../../server/api-types/public';
import { el, shortTime, STATUS_NAMES } from '../lite/dom.js';
import { LiteApi } from '../lite/http.js';
import { LiteMap } from '../lite/LiteMap.js';
import { cameraInput, type ShrunkPhoto } from '../lite/photo.js';
import { currentPosition } from '../lite/geolocation.js';
import { icon } from '../lite/icons.js';

const MINE = 'gridgov.report.mine';
const api = new LiteApi();

function mine(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(MINE) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function remember(number: string): void {
  localStorage.setItem(MINE, JSON.stringify([number, ...mine().filter((n) => n !== number)].slice(0, 20)));
}

async function main(root: HTMLElement): Promise<void> {
  const info = await api.call<PublicCategoriesAnswer>('/api/public/categories').catch((error: Error) => {
    root.replaceChildren(el('main', { class: 'lite-main' }, el('div', { class: 'lite-card lite-error' }, error.message)));
    throw error;
  });
  const names = new Map(info.categories.map((c) => [c.code, c.name]));
  let photo: ShrunkPhoto | undefined;
  let place: { lon: number; lat: number; how: string } | undefined;

  const category = el('select', { name: 'category' }, ...info.categories.map((c) => el('option', { value: c.code }, c.name)));
  const description = el('textarea', { name: 'description', maxlength: '500', placeholder: '请描述问题（如：路灯不亮、垃圾堆积、井盖缺失）' });
  const where = el('div', { class: 'lite-note', 'data-testid': 'report-where' }, '请定位，或在地图上点选位置');
  const message = el('div', { 'data-testid': 'report-message' });
  const mapBox = el('div', { 'data-testid': 'report-map' });
  const map = new LiteMap(mapBox, {
    onTap: (lon, lat) => {
      place = { lon, lat, how: '地图点选' };
      showPlace();
    },
  });
  const showPlace = () => {
    if (!place) return;
    map.setLayer('place', [{ geometry: { type: 'Point', coordinates: [place.lon, place.lat] }, style: { fill: '#d7191c', stroke: '#fff', width: 3, radius: 9, className: 'report-place' } }]);
    where.textContent = `位置（${place.how}）：${place.lon.toFixed(5)}, ${place.lat.toFixed(5)}`;
  };
  let loadedBox = '';
  const loadStreets = async () => {
    const [a, b, c, d] = map.bbox();
    if (c - a > 0.03 || d - b > 0.03) return;
    const key = [a, b, c, d].map((v) => v.toFixed(3)).join(',');
    if (key === loadedBox) return;
    loadedBox = key;
    const streets = await api.call<PublicStreetsAnswer>(`/api/public/streets?bbox=${key}`).catch(() => undefined);
    if (!streets) return;
    // Each street named once, so that a resident can tell where a tap lands.
    const named = new Set<string>();
    map.setLayer(
      'streets',
      streets.features.map((f) => {
        const name = f.properties.name;
        const label = name && !named.has(name) ? (named.add(name), name) : undefined;
        return { geometry: f.geometry, style: { stroke: '#8c96a0', width: 2, label } };
      }),
    );
  };
  map.setLayer('streets', []);
  if (info.area) {
    const [a, b, c, d] = info.area;
    map.centerOn((a + c) / 2, (b + d) / 2, 1500);
  }
  mapBox.addEventListener('pointerup', () => setTimeout(() => void loadStreets(), 50));
  mapBox.addEventListener('click', () => setTimeout(() => void loadStreets(), 50));
  void loadStreets();

  const locate = el('button', { class: 'lite-button secondary', type: 'button', 'data-action': 'locate' }, icon('pin'), '使用当前位置');
  locate.addEventListener('click', async () => {
    where.textContent = '定位中…';
    try {
      const p = await currentPosition();
      place = { lon: p.coords.longitude, lat: p.coords.latitude, how: `GPS，精度约 ${Math.round(p.coords.accuracy)} 米` };
      map.centerOn(place.lon, place.lat, 800);
      showPlace();
      void loadStreets();
    } catch (error) {
      where.textContent = `${(error as Error).message}；也可以在地图上点选位置`;
    }
  });

  const submit = el('button', { class: 'lite-button wide', type: 'button', 'data-action': 'submit' }, '提交');
  submit.addEventListener('click', async () => {
    message.className = 'lite-error';
    if (!place) return void (message.textContent = '请先定位或在地图上点选位置');
    if (!photo && description.value.trim().length < 2) return void (message.textContent = '请拍照或写几句描述');
    const form = new FormData();
    if (photo) form.append('photo', photo.blob, 'photo.jpg');
    form.append('lon', String(place.lon));
    form.append('lat', String(place.lat));
    form.append('crs', 'wgs84');
    form.append('category', category.value);
    form.append('description', description.value.trim());
    submit.disabled = true;
    message.className = 'lite-note';
    message.textContent = '提交中…';
    try {
      const answer = await api.call<PublicReportFiled>('/api/public/reports', { form, timeoutMs: 90_000 });
      remember(answer.trackingNumber);
      message.className = 'lite-ok';
      message.replaceChildren('已受理。受理编号：', el('div', { class: 'lite-tracking', 'data-testid': 'tracking-number' }, answer.trackingNumber), el('div', { class: 'lite-note' }, '请保存此编号，用它查询办理进度。'));
      description.value = '';
      void renderMine();
    } catch (error) {
      message.className = 'lite-error';
      message.textContent = (error as Error).message;
    } finally {
      submit.disabled = false;
    }
  });

  const lookupInput = el('input', { placeholder: 'SP-XXXX-XXXX-XXXX-XXXX-XXXX', autocapitalize: 'characters' });
  const lookupButton = el('button', { class: 'lite-button secondary', type: 'button', 'data-action': 'lookup' }, '查询');
  const statusBox = el('div', { 'data-testid': 'status-box' });
  const mineList = el('ul', { class: 'lite-list', 'data-testid': 'my-reports' });
  const showStatus = async (number: string, into: HTMLElement) => {
    try {
      const s = await api.call<PublicStatus>(`/api/public/reports/${encodeURIComponent(number.trim())}`);
      into.replaceChildren(
        el('div', { class: 'lite-title' }, `${names.get(s.category) ?? s.category} · ${STATUS_NAMES[s.status] ?? s.status}`),
        el('div', { class: 'lite-note' }, `受理编号 ${s.trackingNumber} · ${shortTime(s.reportedAt)}`),
        el('ul', { class: 'lite-list' }, ...s.timeline.map((t) => el('li', {}, el('span', { class: 'lite-note' }, shortTime(t.at)), el('div', { class: 'lite-grow' }, `${STATUS_NAMES[t.status] ?? t.status}${t.note ? `：${t.note}` : ''}`)))),
      );
    } catch (error) {
      into.replaceChildren(el('div', { class: 'lite-error' }, (error as Error).message));
    }
  };
  lookupButton.addEventListener('click', () => void showStatus(lookupInput.value, statusBox));
  const renderMine = async () => {
    const numbers = mine();
    mineList.replaceChildren(...numbers.map((n) => {
      const box = el('div', { class: 'lite-grow' }, el('div', { class: 'lite-tracking' }, n));
      void showStatus(n, box);
      return el('li', {}, box);
    }));
    mineList.parentElement!.hidden = numbers.length === 0;
  };

  root.replaceChildren(
    el('header', { class: 'lite-top' }, el('h1', {}, '随手拍 · 问题反映')),
    el(
      'main',
      { class: 'lite-main', style: 'padding-bottom:24px' },
      info.open ? null : el('div', { class: 'lite-card lite-error' }, '本平台暂未开放群众反映'),
      el(
        'div',
        { class: 'lite-card' },
        el('label', { class: 'lite-field' }, el('span', {}, '问题类别'), category),
        el('label', { class: 'lite-field' }, el('span', {}, '问题描述'), description),
        cameraInput((shrunk, error) => {
          photo = shrunk;
          if (error) message.textContent = error;
        }),
        el('div', { class: 'lite-row', style: 'margin:10px 0' }, locate),
        mapBox,
        where,
        el('div', { style: 'margin-top:10px' }, submit),
        message,
        el('p', { class: 'lite-note' }, '不需要登录；请勿填写他人隐私。照片和位置仅用于处理您反映的问题。'),
      ),
      el('div', { class: 'lite-card', hidden: '' }, el('h2', {}, '我的反映'), mineList),
      el('div', { class: 'lite-card' }, el('h2', {}, '查询办理进度'), el('label', { class: 'lite-field' }, lookupInput), lookupButton, statusBox),
    ),
  );
  void renderMine();
}

void main(document.getElementById('report')!);
