/**
 * A synthetic standard-address registry for the geocoding benchmarks, deterministic for a seed.
 *
 * Registry: 7 provinces (2 of them municipalities), 12 cities, 44 districts; roads named from
 * syllable lists (≈5,000 for a million addresses, some names repeated in other cities as 中山路
 * is in real life), with house numbers 1–999, and compounds whose buildings, units and rooms
 * fill part of the records. Building markers vary in the registry itself (栋/幢/号楼).
 *
 * Queries: registry entries rewritten as people write them — prefixes dropped, numbers in
 * Chinese numerals, full-width digits, another building marker, room marker left out or written
 * 房, the road suffix swapped (路/街/大道), and one typo in the road name for 10 %. A query is
 * right when its first candidate is the entry it was made from.
 */
import type { AddressRecord } from '../../server/geo/address/types.js';
import { seededRandom } from '../../server/geo/random.js';

interface District {
  province: string; // '' for a municipality, written once as its city
  city: string;
  name: string;
  code: string; // 6 digits
  lon: number;
  lat: number;
}
interface Road {
  district: District;
  core: string;
  suffix: string;
  lon: number;
  lat: number;
  angle: number;
}
export interface Query {
  text: string;
  id: number;
  typo: boolean;
}

export interface SyntheticAddresses {
  /** Record `id` (0 ≤ id < records), made on demand so that a million need not sit in memory twice. */
  recordOf(id: number): AddressRecord;
  queries: Query[];
  roads: number;
}

export function syntheticAddresses(count: number, queryCount: number, seed = 20240601, log: (message: string) => void = () => {}): SyntheticAddresses {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const chance = (p: number) => random() < p;

  const GEOGRAPHY: Array<[province: string, code: string, cities: Array<[city: string, code: string, lon: number, lat: number, districts: string]>]> = [
    ['福建省', '35', [['福州市', '01', 119.3, 26.08, '鼓楼区 台江区 仓山区 晋安区'], ['厦门市', '02', 118.09, 24.48, '思明区 湖里区 集美区']]],
    ['湖北省', '42', [['武汉市', '01', 114.3, 30.59, '江岸区 江汉区 武昌区 洪山区'], ['宜昌市', '05', 111.29, 30.69, '西陵区 伍家岗区']]],
    ['广东省', '44', [['广州市', '01', 113.26, 23.13, '越秀区 海珠区 天河区'], ['深圳市', '03', 114.06, 22.54, '罗湖区 福田区 南山区 宝安区']]],
    ['云南省', '53', [['昆明市', '01', 102.71, 25.04, '五华区 盘龙区 官渡区 西山区']]],
    ['浙江省', '33', [['杭州市', '01', 120.16, 30.27, '上城区 拱墅区 西湖区 滨江区'], ['湖州市', '05', 120.09, 30.89, '吴兴区 南浔区 德清县 安吉县']]],
    ['', '31', [['上海市', '01', 121.47, 31.23, '黄浦区 徐汇区 长宁区 静安区 普陀区 浦东新区']]],
    ['', '11', [['北京市', '01', 116.41, 39.9, '东城区 西城区 朝阳区 海淀区 丰台区']]],
  ];

  const districts: District[] = GEOGRAPHY.flatMap(([province, pc, cities]) =>
    cities.flatMap(([city, cc, lon, lat, names]) =>
      names.split(' ').map((name, k) => ({
        province,
        city,
        name,
        code: `${pc}${cc}${String(k + 1).padStart(2, '0')}`,
        lon: lon + (random() - 0.5) * 0.3,
        lat: lat + (random() - 0.5) * 0.3,
      })),
    ),
  );

  // Road-name syllables: no level suffixes (路 区 村 …) and no building markers (栋 座 …), so
  // that a name never reads as another level; a few numerals, as in 五一路 and 八一路.
  const FIRST = [...'中人解建和胜长黄东新文光青友工红朝幸团华民兴复学府公园滨江湖海山金银宝富贵安康平泰福寿龙凤鹤松柏桂兰梅竹青云星月阳春秋晨晓锦绣振环迎丰裕盛昌隆一二五八'];
  const SECOND = [...'山华平安民兴国庆泰和德明光阳南北源泉林峰溪河湖港湾岭坡桥塘湾池田家庄门关台亭阁塔寺宁康乐善仁义礼信'];
  const DIRECTIONS = ['东', '西', '南', '北', '中'];
  const ROAD_SUFFIXES = ['路', '路', '路', '路', '路', '街', '街', '大道', '巷', '大街'];
  const ALIASES: Record<string, string[]> = { 路: ['街', '大道'], 街: ['路'], 大道: ['路'], 巷: ['路', '街'], 大街: ['路', '街'] };
  const COMPOUND_FIRST = ['金域', '碧桂', '万科', '保利', '绿地', '恒大', '龙湖', '中海', '华润', '融创', '招商', '世茂', '阳光', '锦绣', '翠湖', '滨江', '东方', '香榭', '御景', '海棠'];
  const COMPOUND_MIDDLE = [...'华名丽雅景尚盛嘉璟悦'];
  const COMPOUND_SUFFIXES = ['花园', '小区', '苑', '家园', '公寓', '新村', '大厦', '广场', '城', '府', '天地'];
  const BUILDING_MARKERS = ['栋', '栋', '栋', '栋', '栋', '栋', '栋', '幢', '幢', '号楼'];

  interface Entry {
    district: District;
    road: { core: string; suffix: string };
    number: number;
    compound?: string;
    building?: number;
    marker?: string;
    unit?: number;
    room?: number;
  }

  const roads: Road[] = [];
  const roadOf = new Map<string, Road>(); // district code + core → road
  /** A new road, its name unique in its district; one in ten reuses a name from another district. */
  function newRoad(): Road {
    for (;;) {
      const district = pick(districts);
      const core = chance(0.1) && roads.length > 0 ? pick(roads).core : pick(FIRST) + pick(SECOND) + (chance(0.2) ? pick(DIRECTIONS) : '');
      if (roadOf.has(`${district.code}${core}`)) continue;
      const [lon, lat] = [district.lon + (random() - 0.5) * 0.1, district.lat + (random() - 0.5) * 0.1];
      const road = { district, core, suffix: pick(ROAD_SUFFIXES), lon, lat, angle: random() * Math.PI };
      roads.push(road);
      roadOf.set(`${district.code}${core}`, road);
      return road;
    }
  }

  function shuffledNumbers(): number[] {
    const numbers = Array.from({ length: 999 }, (_, k) => k + 1);
    for (let k = numbers.length - 1; k > 0; k--) {
      const m = Math.floor(random() * (k + 1));
      [numbers[k], numbers[m]] = [numbers[m], numbers[k]];
    }
    return numbers;
  }

  /** The road's entries: bare house numbers, then compounds of buildings × units × rooms. */
  function entriesOf(road: Road, budget: number, out: Entry[]): void {
    const numbers = shuffledNumbers();
    const bare = Math.floor(budget * (0.4 + random() * 0.4));
    const base = { district: road.district, road: { core: road.core, suffix: road.suffix } };
    let k = 0;
    for (; k < bare; k++) out.push({ ...base, number: numbers[k] });
    let left = budget - bare;
    while (left > 0 && k < numbers.length) {
      const compound = pick(COMPOUND_FIRST) + pick(COMPOUND_MIDDLE) + pick(COMPOUND_SUFFIXES);
      const [number, units, floors, perFloor] = [numbers[k++], 1 + Math.floor(random() * 3), 3 + Math.floor(random() * 15), 2 + Math.floor(random() * 3)];
      for (let building = 1; left > 0 && building <= 12; building++) {
        const marker = pick(BUILDING_MARKERS);
        for (let unit = 1; left > 0 && unit <= units; unit++) {
          for (let floor = 1; left > 0 && floor <= floors; floor++) {
            for (let r = 1; left > 0 && r <= perFloor; r++, left--) {
              out.push({ ...base, number, compound, building, marker, unit, room: floor * 100 + r });
            }
          }
        }
      }
    }
  }

  function addressOf(e: Entry, road = `${e.road.core}${e.road.suffix}`): string {
    const d = e.district;
    let text = `${d.province}${d.city}${d.name}${road}${e.number}号`;
    if (e.compound) text += `${e.compound}${e.building}${e.marker}${e.unit}单元${e.room}室`;
    return text;
  }

  function positionOf(road: Road, e: Entry): [number, number] {
    const along = e.number * 1.2e-5;
    const jitter = e.room ? (random() - 0.5) * 2e-4 : 0;
    return [road.lon + along * Math.cos(road.angle) + jitter, road.lat + along * Math.sin(road.angle) + jitter];
  }

  // ── Query variants ──────────────────────────────────────────────────────────────────────

  const DIGITS = '〇一二三四五六七八九';
  /** 355 → 三百五十五, 12 → 十二, 105 → 一百零五 (as numbers are spoken). */
  function spoken(n: number): string {
    const [h, t, u] = [Math.floor(n / 100), Math.floor(n / 10) % 10, n % 10];
    let out = h ? `${DIGITS[h]}百` : '';
    if (t) out += `${t === 1 && !h ? '' : DIGITS[t]}十`;
    else if (h && u) out += '零';
    return out + (u ? DIGITS[u] : '');
  }
  const digitByDigit = (n: number) => [...String(n)].map((d) => DIGITS[Number(d)]).join('');
  const fullWidth = (s: string) => s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

  /** One character substituted (70 %) or two adjacent swapped. */
  function typo(core: string): string {
    const chars = [...core];
    if (chars.length >= 2 && chance(0.3)) {
      const i = Math.floor(random() * (chars.length - 1));
      [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
    } else {
      const i = Math.floor(random() * chars.length);
      let c = pick(SECOND);
      while (c === chars[i]) c = pick(SECOND);
      chars[i] = c;
    }
    return chars.join('');
  }

  function queryOf(e: Entry, id: number): Query {
    const d = e.district;
    const drop = random();
    let text = drop < 0.4 ? `${d.province}${d.city}${d.name}` : drop < 0.6 ? `${d.city}${d.name}` : drop < 0.8 ? d.name : '';
    const withTypo = chance(0.1);
    const core = withTypo ? typo(e.road.core) : e.road.core;
    text += core + (chance(0.15) ? pick(ALIASES[e.road.suffix]) : e.road.suffix);
    const chinese = chance(0.25);
    text += `${chinese ? spoken(e.number) : e.number}号`;
    if (e.compound && e.building !== undefined && e.unit !== undefined && e.room !== undefined) {
      const marker = chance(0.3) ? pick(['栋', '幢', '座', '号楼']) : (e.marker as string);
      const roomMarker = chance(0.15) ? '' : chance(0.12) ? '房' : '室';
      text += chinese
        ? `${e.compound}${spoken(e.building)}${marker}${spoken(e.unit)}单元${digitByDigit(e.room)}${roomMarker}`
        : `${e.compound}${e.building}${marker}${e.unit}单元${e.room}${roomMarker}`;
    }
    return { text: chance(0.2) ? fullWidth(text) : text, id, typo: withTypo };
  }

  log(`generating ${count.toLocaleString('en')} addresses…`);
  const entries: Entry[] = [];
  while (entries.length < count) entriesOf(newRoad(), 120 + Math.floor(random() * 160), entries); // ≈200 a road
  entries.length = count;
  const recordOf = (id: number): AddressRecord => {
    const e = entries[id];
    const [lon, lat] = positionOf(roadOf.get(`${e.district.code}${e.road.core}`) as Road, e);
    const township = String(1 + (e.number % 9)).padStart(3, '0');
    return { id, address: addressOf(e), lon, lat, regionCode: `${e.district.code}${township}000` };
  };
  const queries = Array.from({ length: queryCount }, () => {
    const id = Math.floor(random() * count);
    return queryOf(entries[id], id);
  });
  return { recordOf, queries, roads: roads.length };
}
