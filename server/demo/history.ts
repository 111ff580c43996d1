/**
 * The demo's 90 days of incident history, made when the demo area is loaded (so that "the last
 * 90 days" are always the 90 days before the first start): a command centre opens on a heatmap,
 * deadline lights, statistics and charts with something in them.
 *
 * The mix is what a city street's 网格 platform records (shares by source and category, about
 * seven a day, more on weekdays and in daytime), from a seeded PRNG, so every first start makes
 * the same history relative to its own "now":
 * - where: a point in a grid, grids weighted by their households (plus one, so a school or park
 *   gets some); camera and sensor reports at their device;
 * - how far along: older incidents are closed (most within their deadline, some late, a few
 *   rejected or escalated); of the last week's many are still open in one of the open states,
 *   some of them already past their deadline (red).
 */
import * as turf from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import type { HandlingLevel, PastIncident } from '../db/incidents.js';
import type { IncidentStatus } from '../incidents/states.js';
import { categoryOf, deadlineFor, type IncidentRules } from '../incidents/rules.js';
import { seededRandom } from '../geo/random.js';

export interface HistoryGrid {
  code: string;
  regionCode: string;
  households: number;
  geometry: Polygon | MultiPolygon;
}

export interface HistoryDevice {
  id: string;
  kind: 'camera' | 'sensor';
  name: string;
  lon: number;
  lat: number;
  sensorType?: string | null;
  gridCode: string | null;
}

const DAYS = 90;
const PER_DAY = 7;
const HOUR = 3_600_000;

/** What people report, by category (Chinese, as a 网格员 writes it). */
const DESCRIPTIONS: Record<string, string[]> = {
  sanitation: ['垃圾桶满溢未清运', '楼道堆放杂物', '路面油污', '绿化带内垃圾', '占道经营产生垃圾'],
  public_order: ['夜间人员聚集喧哗', '可疑人员徘徊', '小区门禁损坏外来人员进入', '商铺门前打架'],
  dispute: ['邻里噪音纠纷', '物业费纠纷', '装修漏水纠纷', '停车位纠纷'],
  hazard: ['电动车楼道充电', '消防通道堵塞', '外墙瓷砖松动', '燃气管道老化'],
  traffic: ['机动车违停占用人行道', '非机动车乱停放', '路口拥堵', '共享单车堆积'],
  facility: ['路灯不亮', '井盖松动', '人行道破损', '健身器材损坏', '护栏倒伏'],
  flood: ['暴雨后路面积水', '地下通道积水', '排水口堵塞'],
  fire: ['楼道冒烟', '电瓶车起火', '烟感报警'],
  other: ['流浪犬出没', '广告乱张贴', '树枝折断挡路'],
};

/** Shares of categories among reports, and of sources. */
const CATEGORY_WEIGHTS: [string, number][] = [
  ['sanitation', 24], ['traffic', 15], ['facility', 13], ['public_order', 12], ['dispute', 11], ['hazard', 10], ['other', 7], ['flood', 5], ['fire', 3],
];
const SOURCES: [PastIncident['source'], number][] = [['worker', 45], ['hotline', 15], ['resident', 14], ['camera', 19], ['sensor', 7]];
const CAMERA_EVENTS: Record<string, string> = { sanitation: 'garbage', traffic: 'illegal_parking', public_order: 'crowd' };
const SENSOR_CATEGORY: Record<string, string> = { smoke: 'fire', water_level: 'flood', manhole_cover: 'facility', gas: 'hazard' };
const WORKERS = ['网格员 张敏', '网格员 李强', '网格员 王芳', '网格员 刘洋', '网格员 陈静', '网格员 杨帆'];

/** A staff member as the history names them: 网格员 张敏, 网格长 李强. */
export interface HistoryPerson {
  id: number;
  name: string;
  /** 网格员 or 网格长, as the steps' actor names them. */
  title: string;
}

/**
 * The demo's people, when it has a roster (server/demo/staff.ts): who takes a grid's or a region's
 * incidents, and who reports in a grid. Without one, the history names workers but assigns nobody.
 */
export interface HistoryPeople {
  takerOf(code: string): HistoryPerson | null;
  workersOf(gridCode: string): HistoryPerson[];
}

function pick<T>(random: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, w] of weighted) if ((r -= w) < 0) return value;
  return weighted[weighted.length - 1][0];
}

function pointIn(grid: HistoryGrid, random: () => number): [number, number] {
  const [w, s, e, n] = turf.bbox(grid.geometry);
  for (let tries = 0; tries < 200; tries++) {
    const p: [number, number] = [w + random() * (e - w), s + random() * (n - s)];
    if (turf.booleanPointInPolygon(p, grid.geometry)) return p;
  }
  return turf.pointOnFeature(grid.geometry).geometry.coordinates as [number, number];
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

export function demoHistory(grids: HistoryGrid[], devices: HistoryDevice[], rules: IncidentRules, now: Date, people: HistoryPeople | null = null, seed = 20_260_101): PastIncident[] {
  const random = seededRandom(seed);
  const weightedGrids: [HistoryGrid, number][] = grids.map((g) => [g, g.households + 40]);
  const cameras = devices.filter((d) => d.kind === 'camera');
  const sensors = devices.filter((d) => d.kind === 'sensor' && d.sensorType && SENSOR_CATEGORY[d.sensorType]);
  const incidents: PastIncident[] = [];
  for (let day = DAYS - 1; day >= 0; day--) {
    const dayStart = now.getTime() - (day + 1) * 24 * HOUR;
    const weekday = new Date(dayStart + 8 * HOUR).getUTCDay();
    const count = Math.round(PER_DAY * (weekday === 0 || weekday === 6 ? 0.7 : 1.1) * (0.7 + 0.6 * random()));
    for (let k = 0; k < count; k++) {
      // Daytime-heavy: 07:00–22:00 Beijing time mostly.
      const hour = random() < 0.85 ? 7 + random() * 15 : random() * 24;
      const reportedAt = new Date(dayStart + (hour - 8 + 24) % 24 * HOUR + random() * HOUR * 0.2);
      if (reportedAt.getTime() > now.getTime() - 5 * 60_000) continue;
      let source = pick(random, SOURCES);
      let category = pick(random, CATEGORY_WEIGHTS);
      let at: [number, number];
      let gridCode: string | null;
      let villageCode: string | null;
      let reporter: string | null;
      let reporterStaffId: number | null = null;
      if (source === 'camera' && cameras.length > 0 && CAMERA_EVENTS[category]) {
        const camera = cameras[Math.floor(random() * cameras.length)];
        at = [camera.lon, camera.lat];
        gridCode = camera.gridCode;
        reporter = camera.name;
      } else if (source === 'sensor' && sensors.length > 0) {
        const sensor = sensors[Math.floor(random() * sensors.length)];
        category = SENSOR_CATEGORY[sensor.sensorType!];
        at = [sensor.lon, sensor.lat];
        gridCode = sensor.gridCode;
        reporter = sensor.name;
      } else {
        if (source === 'camera' || source === 'sensor') source = 'worker';
        const grid = pick(random, weightedGrids);
        at = pointIn(grid, random);
        gridCode = grid.code;
        reporter = source === 'worker' ? WORKERS[Math.floor(random() * WORKERS.length)] : source === 'hotline' ? '12345热线' : '居民';
        const workers = source === 'worker' ? (people?.workersOf(grid.code) ?? []) : [];
        if (workers.length > 0) {
          const worker = workers[Math.floor(random() * workers.length)]!;
          reporter = `${worker.title} ${worker.name}`;
          reporterStaffId = worker.id;
        }
      }
      villageCode = gridCode ? grids.find((g) => g.code === gridCode)?.regionCode ?? null : null;
      const rule = categoryOf(rules, category) ?? categoryOf(rules, rules.fallbackCategory)!;
      const deadlineAt = deadlineFor(rule, reportedAt);
      const descriptions = DESCRIPTIONS[category] ?? DESCRIPTIONS.other;
      incidents.push(
        walk(
          {
            category: rule.code,
            description: descriptions[Math.floor(random() * descriptions.length)],
            source,
            reporter,
            address: null,
            lon: round7(at[0]),
            lat: round7(at[1]),
            gridCode,
            villageCode,
            reportedAt,
            deadlineAt,
            reporterStaffId,
          },
          now,
          random,
          people,
        ),
      );
    }
  }
  return incidents;
}

/** How far an incident got by `now`, and when it took each step. */
function walk(
  incident: Omit<PastIncident, 'status' | 'handlingLevel' | 'handlingRegion' | 'resolvedAt' | 'closedAt' | 'steps' | 'assigneeStaffId'>,
  now: Date,
  random: () => number,
  people: HistoryPeople | null,
): PastIncident {
  const allowed = incident.deadlineAt.getTime() - incident.reportedAt.getTime();
  const level: HandlingLevel = incident.gridCode ? 'grid' : 'county';
  const past: PastIncident = { ...incident, status: 'reported', handlingLevel: level, handlingRegion: incident.villageCode, resolvedAt: null, closedAt: null, steps: [], assigneeStaffId: null };
  // Whoever serves the grid takes it (as the service assigns a new incident); without a roster a named worker.
  let taker = incident.gridCode ? (people?.takerOf(incident.gridCode) ?? null) : null;
  const fallback = WORKERS[Math.floor(random() * WORKERS.length)]!;
  let handler = taker ? `${taker.title} ${taker.name}` : fallback;
  past.assigneeStaffId = taker?.id ?? null;
  // Of the last two days' reports more than half are still open, of the week's before a third,
  // each waiting at one of the open states (turning yellow and red as its deadline nears and passes).
  const age = now.getTime() - incident.reportedAt.getTime();
  const open = age < 48 * HOUR ? 0.6 : age < 7 * 24 * HOUR ? 0.3 : 0;
  const stuck = random() < open ? (['reported', 'dispatched', 'in_progress'] as const)[Math.floor(random() * 3)] : null;
  if (stuck === 'reported') return past;
  let t = incident.reportedAt.getTime();
  const step = (to: IncidentStatus, delayMs: number, actor: string, note: string | null): boolean => {
    const at = t + delayMs;
    if (at > now.getTime()) return false;
    const byHandler = actor === handler && taker !== null;
    past.steps.push({ from: past.status, to, fromLevel: past.handlingLevel, toLevel: past.handlingLevel, actor, note, at: new Date(at), actorStaffId: byHandler ? taker!.id : null, assigneeStaffId: to === 'dispatched' ? (taker?.id ?? null) : null });
    past.status = to;
    t = at;
    if (to === 'resolved' || to === 'rejected') past.resolvedAt = new Date(at);
    if (to === 'closed') past.closedAt = new Date(at);
    return true;
  };
  // A few reports are not the grid's business (duplicates, outside the remit).
  if (random() < 0.04) {
    step('rejected', (0.05 + random() * 0.2) * allowed, '指挥中心', '重复上报');
    return past;
  }
  // Dispatched within 5–60 minutes (sooner for short deadlines); on site within 10 minutes to 3 hours.
  const minutes = 60_000;
  // One in ten waits in the queue for a good part of its time, a few of them past their deadline.
  const queued = random() < 0.1 ? (0.3 + random() * 0.8) * allowed : Math.min(0.1 * allowed, (5 + random() * 55) * minutes);
  if (!step('dispatched', queued, '指挥中心', `派${handler}`) || stuck === 'dispatched') return past;
  if (!step('in_progress', Math.min(0.2 * allowed, (10 + random() * 170) * minutes), handler, '已到现场') || stuck === 'in_progress') return past;
  // One in fifteen is escalated to the community while in progress.
  if (level === 'grid' && random() < 0.07) {
    const at = t + 0.1 * allowed;
    if (at > now.getTime()) return past;
    // The community's 网格长 takes it over from here.
    const leader = incident.villageCode ? (people?.takerOf(incident.villageCode) ?? null) : null;
    past.steps.push({ from: past.status, to: past.status, fromLevel: 'grid', toLevel: 'village', actor: handler, note: '网格内无法处置，上报社区', at: new Date(at), actorStaffId: taker?.id ?? null, assigneeStaffId: leader?.id ?? null });
    past.handlingLevel = 'village';
    past.assigneeStaffId = leader?.id ?? null;
    if (leader) {
      taker = leader;
      handler = `${leader.title} ${leader.name}`;
    }
    t = at;
  }
  // Most are resolved within the deadline; about one in seven is late.
  const share = random() < 0.86 ? 0.2 + random() * 0.7 : 1.05 + random() * 1.2;
  if (!step('resolved', Math.max(0, share * allowed - (t - incident.reportedAt.getTime())), handler, '已处置完毕')) return past;
  // The centre checks a resolved incident before closing it: within 2 hours to 3 days.
  step('closed', (2 + random() * 70) * HOUR, '指挥中心', '核查结案');
  return past;
}
