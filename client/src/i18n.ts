/**
 * Interface text in Chinese (the default) and English. `t(key, params)` looks a key up in the
 * current language; elements with data-i18n / data-i18n-title / data-i18n-placeholder are
 * rewritten by `applyI18n`, and panels that build their own text listen with `onLangChange`.
 */
export type Lang = 'zh-CN' | 'en';

const zh = {
  'app.title': '网格规划',
  'app.loading': '正在加载网格…',
  'app.ready': '已加载 {grids} 个网格、{regions} 个区划',
  'app.noGrids': '服务中还没有网格',
  'app.failed': '无法连接服务：{message}',
  'app.backend': '{backend} · PostGIS {postgis}',

  'tree.title': '行政区划',
  'tree.loading': '加载中…',
  'tree.empty': '无下级区划',
  'tree.grids': '{count} 个网格',
  'level.county': '区县',
  'level.township': '乡镇/街道',
  'level.village': '村/社区',

  'search.placeholder': '网格编码、地址或经纬度',
  'search.button': '搜索',
  'search.noResult': '未找到：{query}',
  'search.gridNotFound': '没有编码为 {code} 的网格',
  'search.coordinates': '坐标 {lon}, {lat}',
  'search.inGrid': '位于 {name}（{code}）',
  'search.notInGrid': '该点不在任何网格内',
  'search.address': '地址',
  'search.score': '匹配度 {score}',

  'tool.select': '选择',
  'tool.select.title': '点击网格查看属性',
  'tool.edit': '修改边界',
  'tool.edit.title': '拖动所选网格的顶点或边；Alt+单击删除顶点',
  'tool.draw': '新建网格',
  'tool.draw.title': '在地图上绘制新网格（双击结束）',
  'tool.shared': '共边联动',
  'tool.shared.title': '与相邻网格共用的顶点一起移动',
  'tool.snap': '吸附',
  'tool.snap.title': '吸附到相邻网格和区划边界',
  'tool.undo': '撤销',
  'tool.redo': '重做',
  'tool.save': '保存',
  'tool.discard': '放弃修改',
  'tool.colour': '着色',
  'tool.colour.kind': '着色：按类型',
  'tool.colour.fullness': '着色：按户数',
  'tool.fit': '全部网格',

  'legend.title': '图例',
  'legend.kind.urban': '城市网格',
  'legend.kind.rural': '农村网格',
  'legend.kind.special': '专属网格',
  'legend.fullness.under': '不足 {min} 户',
  'legend.fullness.in': '{min}–{max} 户',
  'legend.fullness.over': '超过 {max} 户',
  'legend.fullness.none': '无住户（专属网格）',
  'legend.edited': '已修改未保存',
  'legend.selected': '选中',
  'legend.village': '村/社区边界',
  'legend.problem': '检查问题',

  'kind.urban': '城市网格',
  'kind.rural': '农村网格',
  'kind.special': '专属网格',
  'special.school': '学校',
  'special.hospital': '医院',
  'special.market': '市场',
  'special.park': '公园',
  'special.scenic': '景区',
  'special.industrial': '工业园区',
  'special.other': '其他',

  'grid.none': '在地图上点击一个网格，或在左侧区划树中选择',
  'grid.tab.properties': '属性',
  'grid.tab.households': '住户',
  'grid.tab.history': '历史',
  'grid.tab.cameras': '摄像头',
  'grid.code': '网格编码',
  'grid.name': '名称',
  'grid.kind': '类型',
  'grid.specialType': '专属类型',
  'grid.region': '所属村/社区',
  'grid.households': '户数',
  'grid.population': '人口',
  'grid.version': '版本',
  'grid.validFrom': '生效时间',
  'grid.updatedBy': '修改人',
  'grid.area': '面积',
  'grid.fullness.under': '不足',
  'grid.fullness.in': '合规',
  'grid.fullness.over': '超额',
  'grid.estimate': '按新边界估算：{count} 户',
  'grid.loading': '加载中…',
  'grid.addresses': '标准地址 {total} 个，其中住户 {households} 户',
  'grid.noAddresses': '该网格内没有标准地址',
  'grid.history.empty': '没有历史记录',
  'grid.history.op.create': '新建',
  'grid.history.op.update': '修改',
  'grid.history.op.retire': '撤销',
  'grid.history.show': '查看此时',
  'grid.cameras.share': '摄像头覆盖 {share}',
  'grid.cameras.none': '没有摄像头能看到该网格',
  'grid.unsaved': '新网格（未保存）',
  'grid.asOf': '历史状态：{date}',

  'new.title': '新网格',
  'new.region': '所属村/社区',
  'new.regionUnknown': '不在已加载的村/社区内',
  'new.name': '名称',
  'new.kind': '类型',
  'new.households': '户数',
  'new.population': '人口',

  'checks.title': '实时检查',
  'checks.clean': '没有未保存的修改',
  'checks.ok': '检查通过',
  'checks.changed': '{count} 个网格已修改',
  'checks.overlap': '{code} 与 {other} 重叠 {area}',
  'checks.outside': '{code} 有 {area} 超出 {region}',
  'checks.invalid': '{code} 边界自相交',
  'checks.noRegion': '{code} 未找到所属村/社区',
  'checks.missingName': '新网格需要名称',
  'checks.reason': '修改原因',
  'checks.reasonPlaceholder': '例如：按小区边界调整',
  'checks.households': '{code}：{before} → 约 {after} 户',

  'save.saving': '正在保存 {done}/{total}…',
  'save.done': '已保存 {count} 个网格',
  'save.problems.title': '检查未通过',
  'save.problems.body': '实时检查发现问题。服务端会再次检查并拒绝不合规的修改。仍要提交吗？',
  'save.problems.send': '仍要提交',
  'save.stale.title': '网格已被他人修改',
  'save.stale.body': '网格 {code} 在您编辑期间已被修改：版本 {mine} → {theirs}。',
  'save.stale.by': '{actor} 于 {at} 修改{reason}',
  'save.stale.changes': '变更内容',
  'save.stale.geometry': '边界',
  'save.stale.reload': '重新加载，放弃我的修改',
  'save.stale.retry': '覆盖重试，保留我的修改',
  'save.refused.title': '服务端拒绝保存',
  'save.refused.body': '网格 {code} 未能保存，没有任何改动被保存。',
  'save.refused.rolledBack': '已撤回本次已保存的 {count} 个网格。',
  'save.failed': '保存失败：{message}',

  'history.live': '当前',
  'history.label': '历史回溯',
  'history.viewing': '正在查看 {date} 的网格（只读）',
  'history.back': '回到当前',

  'settings.title': '设置',
  'settings.basemap': '底图',
  'settings.basemap.none': '无底图（离线）',
  'settings.basemap.osm': 'OpenStreetMap（WGS84）',
  'settings.basemap.tianditu': '天地图矢量（WGS84，需密钥）',
  'settings.basemap.tiandituImg': '天地图影像（WGS84，需密钥）',
  'settings.basemap.amap': '高德地图（GCJ-02）',
  'settings.basemap.tencent': '腾讯地图（GCJ-02）',
  'settings.basemap.custom': '自定义 XYZ',
  'settings.key': '天地图密钥（tk）',
  'settings.url': 'XYZ 瓦片地址',
  'settings.urlHint': '例如 https://tile.example.com/{z}/{x}/{y}.png',
  'settings.crs': '瓦片坐标系',
  'settings.gcjNote': 'GCJ-02 底图时，网格和区划会偏移到 GCJ-02 以便对齐。',
  'settings.actor': '操作人（记录在历史中）',
  'settings.close': '关闭',
  'settings.apply': '应用',

  'dialog.ok': '确定',
  'dialog.cancel': '取消',
  'common.m2': '{value} 平方米',
  'common.km2': '{value} 平方公里',
} as const;

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  'app.title': 'Grid planner',
  'app.loading': 'Loading grids…',
  'app.ready': '{grids} grids and {regions} regions loaded',
  'app.noGrids': 'The service holds no grids yet',
  'app.failed': 'Cannot reach the service: {message}',
  'app.backend': '{backend} · PostGIS {postgis}',

  'tree.title': 'Regions',
  'tree.loading': 'Loading…',
  'tree.empty': 'No subdivisions',
  'tree.grids': '{count} grids',
  'level.county': 'County',
  'level.township': 'Township',
  'level.village': 'Village',

  'search.placeholder': 'Grid code, address or lon,lat',
  'search.button': 'Search',
  'search.noResult': 'Nothing found for {query}',
  'search.gridNotFound': 'No grid with code {code}',
  'search.coordinates': 'Point {lon}, {lat}',
  'search.inGrid': 'In {name} ({code})',
  'search.notInGrid': 'The point is in no grid',
  'search.address': 'Address',
  'search.score': 'score {score}',

  'tool.select': 'Select',
  'tool.select.title': 'Click a grid to see its properties',
  'tool.edit': 'Edit boundary',
  'tool.edit.title': 'Drag a vertex or an edge of the selected grid; Alt+click deletes a vertex',
  'tool.draw': 'New grid',
  'tool.draw.title': 'Draw a new grid on the map (double-click to finish)',
  'tool.shared': 'Shared vertices',
  'tool.shared.title': 'Vertices shared with neighbouring grids move together',
  'tool.snap': 'Snap',
  'tool.snap.title': 'Snap to neighbouring grids and region boundaries',
  'tool.undo': 'Undo',
  'tool.redo': 'Redo',
  'tool.save': 'Save',
  'tool.discard': 'Discard',
  'tool.colour': 'Colour',
  'tool.colour.kind': 'Colour by kind',
  'tool.colour.fullness': 'Colour by households',
  'tool.fit': 'All grids',

  'legend.title': 'Legend',
  'legend.kind.urban': 'Urban grid',
  'legend.kind.rural': 'Rural grid',
  'legend.kind.special': 'Special grid',
  'legend.fullness.under': 'Under {min} households',
  'legend.fullness.in': '{min}–{max} households',
  'legend.fullness.over': 'Over {max} households',
  'legend.fullness.none': 'No households (special)',
  'legend.edited': 'Edited, not saved',
  'legend.selected': 'Selected',
  'legend.village': 'Village/community boundary',
  'legend.problem': 'Check problem',

  'kind.urban': 'Urban',
  'kind.rural': 'Rural',
  'kind.special': 'Special',
  'special.school': 'School',
  'special.hospital': 'Hospital',
  'special.market': 'Market',
  'special.park': 'Park',
  'special.scenic': 'Scenic area',
  'special.industrial': 'Industrial park',
  'special.other': 'Other',

  'grid.none': 'Click a grid on the map, or choose one in the region tree',
  'grid.tab.properties': 'Properties',
  'grid.tab.households': 'Households',
  'grid.tab.history': 'History',
  'grid.tab.cameras': 'Cameras',
  'grid.code': 'Grid code',
  'grid.name': 'Name',
  'grid.kind': 'Kind',
  'grid.specialType': 'Special type',
  'grid.region': 'Village/community',
  'grid.households': 'Households',
  'grid.population': 'Population',
  'grid.version': 'Version',
  'grid.validFrom': 'Valid from',
  'grid.updatedBy': 'Changed by',
  'grid.area': 'Area',
  'grid.fullness.under': 'under',
  'grid.fullness.in': 'in range',
  'grid.fullness.over': 'over',
  'grid.estimate': 'New boundary: about {count} households',
  'grid.loading': 'Loading…',
  'grid.addresses': '{total} standard addresses, {households} of them households',
  'grid.noAddresses': 'No standard addresses in this grid',
  'grid.history.empty': 'No history',
  'grid.history.op.create': 'created',
  'grid.history.op.update': 'changed',
  'grid.history.op.retire': 'retired',
  'grid.history.show': 'Show then',
  'grid.cameras.share': 'Camera coverage {share}',
  'grid.cameras.none': 'No camera sees into this grid',
  'grid.unsaved': 'New grid (not saved)',
  'grid.asOf': 'As of {date}',

  'new.title': 'New grid',
  'new.region': 'Village/community',
  'new.regionUnknown': 'Not inside a loaded village/community',
  'new.name': 'Name',
  'new.kind': 'Kind',
  'new.households': 'Households',
  'new.population': 'Population',

  'checks.title': 'Live checks',
  'checks.clean': 'No unsaved changes',
  'checks.ok': 'All checks pass',
  'checks.changed': '{count} grids changed',
  'checks.overlap': '{code} overlaps {other} by {area}',
  'checks.outside': '{code} has {area} outside {region}',
  'checks.invalid': '{code} crosses itself',
  'checks.noRegion': '{code} is in no known village/community',
  'checks.missingName': 'A new grid needs a name',
  'checks.reason': 'Reason',
  'checks.reasonPlaceholder': 'e.g. follow the compound boundary',
  'checks.households': '{code}: {before} → about {after} households',

  'save.saving': 'Saving {done}/{total}…',
  'save.done': '{count} grids saved',
  'save.problems.title': 'Checks failed',
  'save.problems.body': 'The live checks found problems. The server checks again and refuses what breaks the rules. Send anyway?',
  'save.problems.send': 'Send anyway',
  'save.stale.title': 'Someone else changed the grid',
  'save.stale.body': 'Grid {code} was changed while you edited it: version {mine} → {theirs}.',
  'save.stale.by': 'by {actor} at {at}{reason}',
  'save.stale.changes': 'What changed',
  'save.stale.geometry': 'boundary',
  'save.stale.reload': 'Reload (drop my change)',
  'save.stale.retry': 'Retry (keep my change)',
  'save.refused.title': 'The server refused the change',
  'save.refused.body': 'Grid {code} could not be saved; nothing was saved.',
  'save.refused.rolledBack': 'The {count} grids saved before it were put back.',
  'save.failed': 'Save failed: {message}',

  'history.live': 'Now',
  'history.label': 'History',
  'history.viewing': 'Grids as of {date} (read only)',
  'history.back': 'Back to now',

  'settings.title': 'Settings',
  'settings.basemap': 'Base map',
  'settings.basemap.none': 'None (offline)',
  'settings.basemap.osm': 'OpenStreetMap (WGS84)',
  'settings.basemap.tianditu': 'Tianditu vector (WGS84, key)',
  'settings.basemap.tiandituImg': 'Tianditu imagery (WGS84, key)',
  'settings.basemap.amap': 'Amap (GCJ-02)',
  'settings.basemap.tencent': 'Tencent (GCJ-02)',
  'settings.basemap.custom': 'Custom XYZ',
  'settings.key': 'Tianditu key (tk)',
  'settings.url': 'XYZ tile URL',
  'settings.urlHint': 'e.g. https://tile.example.com/{z}/{x}/{y}.png',
  'settings.crs': 'Tile coordinate system',
  'settings.gcjNote': 'With a GCJ-02 base map, grids and regions are shifted to GCJ-02 so that they line up.',
  'settings.actor': 'Your name (kept in the history)',
  'settings.close': 'Close',
  'settings.apply': 'Apply',

  'dialog.ok': 'OK',
  'dialog.cancel': 'Cancel',
  'common.m2': '{value} m²',
  'common.km2': '{value} km²',
};

const dictionaries: Record<Lang, Record<Key, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'gridgov.lang';
const listeners = new Set<() => void>();

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN';
}

let current: Lang = initialLang();

export function lang(): Lang {
  return current;
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = dictionaries[current][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  applyI18n(document.body);
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): void {
  listeners.add(listener);
}

/** Rewrites the static text of `root` in the current language. */
export function applyI18n(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as Key);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle as Key);
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder as Key);
  }
}

/** Numbers and dates in the current language. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString(current, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatDate(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return date.toLocaleString(current, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatArea(m2: number): string {
  return m2 >= 100_000 ? t('common.km2', { value: formatNumber(m2 / 1e6, 3) }) : t('common.m2', { value: formatNumber(m2, m2 < 10 ? 1 : 0) });
}
