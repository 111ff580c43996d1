import { describe, expect, it } from 'vitest';
import { AddressIndex } from '../../../server/geo/address/address-index.js';
import type { AddressRecord, GeocodeCandidate } from '../../../server/geo/address/types.js';

const REAL: AddressRecord[] = [
  { id: 1, address: '上海市黄浦区中山东一路3号', lon: 121.4905, lat: 31.2403, regionCode: '310101002000' },
  { id: 2, address: '上海市静安区长乐路100弄5号501室', lon: 121.451, lat: 31.2205, regionCode: '310106012000' },
  { id: 3, address: '福建省福州市鼓楼区五四路88号', lon: 119.306, lat: 26.086, regionCode: '350102001000' },
  // The same road name and number in the next district: the district decides.
  { id: 4, address: '福建省福州市台江区五四路88号', lon: 119.312, lat: 26.064, regionCode: '350103003000' },
  { id: 5, address: '福州市鼓楼区东街街道三坊七巷社区南后街12号', lon: 119.296, lat: 26.084, regionCode: '350102002000' },
  { id: 6, address: '北京市朝阳区建国路88号SOHO现代城A座1201室', lon: 116.47, lat: 39.908, regionCode: '110105001000' },
  { id: 7, address: '湖北省武汉市洪山区关山大道355号光谷天地3栋2单元1501室', lon: 114.409, lat: 30.478, regionCode: '420111005000' },
  { id: 8, address: '云南省昆明市盘龙区金江路12号', lon: 102.723, lat: 25.059, regionCode: '530103004000' },
  { id: 9, address: '广东省深圳市南山区粤海街道科技园社区深南大道9988号', lon: 113.941, lat: 22.54, regionCode: '440305001000' },
  { id: 10, address: '浙江省湖州市安吉县天荒坪镇余村村3组12号', lon: 119.61, lat: 30.524, regionCode: '330523106000' },
  { id: 11, address: '北京市东城区东直门南小街1号', lon: 116.43, lat: 39.938, regionCode: '110101001000' },
  { id: 12, address: '福建省福州市鼓楼区八一七北路68号', lon: 119.298, lat: 26.09, regionCode: '350102001000' },
];

const DISTRICTS: Array<[prefix: string, code: string, lon: number, lat: number, roads: string[]]> = [
  ['福建省福州市鼓楼区', '350102', 119.3, 26.08, ['杨桥东路', '湖东路', '北大路']],
  ['福建省福州市台江区', '350103', 119.31, 26.06, ['工业路', '八一七中路', '五一中路']],
  ['湖北省武汉市洪山区', '420111', 114.4, 30.5, ['珞喻路', '雄楚大道', '民族大道']],
  ['湖北省武汉市武昌区', '420106', 114.32, 30.55, ['中南路', '中北路', '武珞路']],
  ['云南省昆明市盘龙区', '530103', 102.72, 25.06, ['北京路', '白塔路', '东风东路']],
];

/** The real-looking records plus synthetic roads, numbers and compounds around them. */
function registry(): AddressRecord[] {
  const records = [...REAL];
  const add = (address: string, lon: number, lat: number, regionCode: string) =>
    records.push({ id: 100 + records.length, address, lon, lat, regionCode });
  DISTRICTS.forEach(([prefix, code, lon, lat, roads]) =>
    roads.forEach((road, r) => {
      for (let n = 1; n <= 20; n++) add(`${prefix}${road}${n}号`, lon + r * 0.01 + n * 1e-4, lat + r * 0.005, `${code}00${r + 1}000`);
    }),
  );
  // More of 鼓楼区五四路 (88 is id 3), and an odd number only on 杨桥东路.
  for (let n = 80; n <= 100; n += 2) if (n !== 88) add(`福建省福州市鼓楼区五四路${n}号`, 119.3 + n * 1e-4, 26.086, '350102001000');
  add('福建省福州市鼓楼区杨桥东路37号', 119.3037, 26.08, '350102001000');
  // 光谷天地 at 关山大道355号: buildings 1–4, units 1–2, rooms 101–502; no record for the bare number.
  for (let b = 1; b <= 4; b++) {
    for (let u = 1; u <= 2; u++) {
      for (const room of [101, 102, 201, 202, 301, 302, 401, 402, 501, 502]) {
        add(`湖北省武汉市洪山区关山大道355号光谷天地${b}栋${u}单元${room}室`, 114.409 + b * 1e-4, 30.478 + u * 1e-5, '420111005000');
      }
    }
  }
  // 金域华府 at 科苑路15号, building 2 written with 幢 in the registry.
  for (let b = 1; b <= 3; b++) {
    for (let u = 1; u <= 2; u++) {
      for (const room of [101, 102, 201, 202, 501]) {
        add(`广东省深圳市南山区科苑路15号金域华府${b}${b === 2 ? '幢' : '栋'}${u}单元${room}室`, 113.95 + b * 1e-4, 22.53, '440305002000');
      }
    }
  }
  return records;
}

/**
 * Rural addresses, hung on a village (村) and maybe a village group (组) with no road, and an
 * urban community without a road. Ids from 10,000.
 */
function villages(): AddressRecord[] {
  const records: AddressRecord[] = [];
  const add = (address: string, lon: number, lat: number, regionCode: string) =>
    records.push({ id: 10_000 + records.length, address, lon, lat, regionCode });
  // 余村村 numbers its houses across its groups: 3组 has 1–15 (12 is REAL id 10), 5组 16–30.
  for (let n = 1; n <= 30; n++) {
    if (n !== 12) add(`浙江省湖州市安吉县天荒坪镇余村村${n <= 15 ? 3 : 5}组${n}号`, 119.6 + n * 1e-4, 30.52 + (n <= 15 ? 0 : 0.004), '330523106000');
  }
  // 鲁家村 records no groups.
  for (let n = 1; n <= 20; n++) add(`浙江省湖州市安吉县递铺街道鲁家村${n}号`, 119.66 + n * 1e-4, 30.61, '330523001000');
  // Three villages named 红星村: two townships of 安吉县, and 德清县.
  for (let n = 1; n <= 10; n++) add(`浙江省湖州市安吉县孝丰镇红星村${n}号`, 119.55 + n * 1e-4, 30.55, '330523102000');
  for (let n = 1; n <= 10; n++) add(`浙江省湖州市安吉县梅溪镇红星村${n}号`, 119.7 + n * 1e-4, 30.75, '330523104000');
  for (let n = 1; n <= 5; n++) add(`浙江省湖州市德清县乾元镇红星村${n}号`, 120.0 + n * 1e-4, 30.55, '330521101000');
  // 新村, the village, with groups.
  for (let n = 1; n <= 6; n++) add(`浙江省湖州市安吉县孝丰镇新村${n <= 3 ? 1 : 2}组${n}号`, 119.57 + n * 1e-4, 30.56, '330523102000');
  // A 村委会 and its natural villages: 甸尾村 (written again after the committee) and 下村.
  for (let n = 40; n <= 50; n++) add(`云南省昆明市盘龙区滇源街道甸尾村委会甸尾村${n}号`, 102.88 + n * 1e-4, 25.3, '530103110000');
  for (let n = 1; n <= 5; n++) add(`云南省昆明市盘龙区滇源街道甸尾村委会下村${n}号`, 102.9 + n * 1e-4, 25.31, '530103110000');
  // The same committee's groups, written with the natural village in front (下村3组).
  for (let n = 60; n <= 66; n++) add(`云南省昆明市盘龙区滇源街道甸尾村委会下村3组${n}号`, 102.91 + n * 1e-4, 25.32, '530103110000');
  for (let n = 60; n <= 62; n++) add(`云南省昆明市盘龙区滇源街道甸尾村委会上村4组${n}号`, 102.93 + n * 1e-4, 25.33, '530103110000');
  // Urban houses hung on a community alone, beside 南后街12号 (REAL id 5) in it.
  for (const n of [8, 12, 20]) add(`福州市鼓楼区东街街道三坊七巷社区${n}号`, 119.295 + n * 1e-5, 26.085, '350102002000');
  return records;
}

const VILLAGES = villages();
const URBAN = registry();
const RECORDS = [...URBAN, ...VILLAGES];
const idOf = (address: string) => {
  const record = RECORDS.find((r) => r.address === address);
  if (!record) throw new Error(`no record ${address}`);
  return record.id;
};
const JINYU_3_2_501 = idOf('广东省深圳市南山区科苑路15号金域华府3栋2单元501室');
const JINYU_2_1_101 = idOf('广东省深圳市南山区科苑路15号金域华府2幢1单元101室');
const YANGQIAO_12 = idOf('福建省福州市鼓楼区杨桥东路12号');

function built(records = RECORDS): AddressIndex {
  const index = new AddressIndex();
  index.upsert(records);
  return index;
}
const INDEX = built();
const first = (query: string, index = INDEX): GeocodeCandidate => {
  const [top] = index.search(query);
  if (!top) throw new Error(`no candidate for ${query}`);
  return top;
};
const mean = (records: AddressRecord[]) => ({
  lon: records.reduce((s, r) => s + r.lon, 0) / records.length,
  lat: records.reduce((s, r) => s + r.lat, 0) / records.length,
});

describe('AddressIndex: exact and near-exact text', () => {
  it('holds every record', () => {
    expect(INDEX.size).toBe(RECORDS.length);
    expect(RECORDS.length).toBeGreaterThan(400);
  });

  it('ranks the record itself first for its exact text, with a score of 1 and its deepest level', () => {
    for (const record of REAL) {
      const top = first(record.address);
      expect(top.id, record.address).toBe(record.id);
      expect(top.score, record.address).toBeCloseTo(1, 6);
      expect(top.unmatched, record.address).toEqual([]);
      expect([top.lon, top.lat]).toEqual([record.lon, record.lat]);
    }
    expect(first('湖北省武汉市洪山区关山大道355号光谷天地3栋2单元1501室').matchedLevel).toBe('room');
    expect(first('福建省福州市鼓楼区五四路88号').matchedLevel).toBe('number');
    expect(first('福建省福州市鼓楼区五四路88号').levels).toEqual({
      province: '福建省',
      city: '福州市',
      district: '鼓楼区',
      road: '五四路',
      number: '88',
    });
  });

  it('scores a record a little lower for levels the query does not give', () => {
    const top = first('关山大道355号3栋2单元1501室'); // the record also names its compound
    expect(top.id).toBe(7);
    expect(top.score).toBeLessThan(1);
    expect(top.score).toBeGreaterThan(0.95);
  });

  it('finds records without their province, city, district and township', () => {
    expect(first('长乐路100弄5号501室').id).toBe(2);
    expect(first('关山大道355号光谷天地3栋2单元1501室').id).toBe(7);
    expect(first('南后街12号').id).toBe(5);
    expect(first('深南大道9988号').id).toBe(9);
    expect(first('余村村3组12号').id).toBe(10);
    expect(first('鼓楼区八一七北路68号').id).toBe(12);
    expect(first('杨桥东路12号').score).toBeCloseTo(1, 6); // a missing level is neutral
  });

  it('reads full-width digits and letters', () => {
    expect(first('杨桥东路１２号').id).toBe(YANGQIAO_12);
    expect(first('建国路８８号ＳＯＨＯ现代城Ａ座１２０１室').id).toBe(6);
    expect(first('建国路88号soho现代城a座1201室').id).toBe(6);
  });

  it('reads Chinese numerals, positional and digit by digit', () => {
    expect(first('南后街十二号').id).toBe(5);
    expect(first('金域华府三栋二单元五零一室').id).toBe(JINYU_3_2_501);
    expect(first('关山大道三百五十五号光谷天地三栋二单元一五零一室').id).toBe(7);
    expect(first('长乐路一百弄五号五零一室').id).toBe(2);
  });

  it('treats 栋, 幢, 座 and 号楼 as one marker, whichever the registry used', () => {
    for (const marker of ['栋', '幢', '座', '号楼', '#']) {
      expect(first(`关山大道355号光谷天地3${marker}2单元1501室`).id, marker).toBe(7);
      expect(first(`金域华府2${marker}1单元101室`).id, marker).toBe(JINYU_2_1_101);
    }
  });

  it('treats 室, 房 and 户 alike and finds the room without its marker', () => {
    expect(first('关山大道355号光谷天地3栋2单元1501房').id).toBe(7);
    expect(first('关山大道355号光谷天地3栋2单元1501户').id).toBe(7);
    expect(first('金域华府3栋2单元501').id).toBe(JINYU_3_2_501);
    expect(first('光谷天地3栋2单元1501').id).toBe(7);
  });

  it('accepts another road suffix (路 as 街, 大道 as 路) for a slightly lower score', () => {
    const alias = first('杨桥东街12号');
    expect(alias.id).toBe(YANGQIAO_12);
    expect(alias.score).toBeLessThan(first('杨桥东路12号').score);
    expect(alias.score).toBeGreaterThan(0.9);
    expect(first('关山路355号光谷天地3栋2单元1501室').id).toBe(7);
    expect(first('中山东1路3号').id).toBe(1);
    expect(first('中山东1路3号').score).toBeCloseTo(1, 6); // the same name, written with a digit
  });
});

describe('AddressIndex: typos', () => {
  it('finds a road with one character wrong, swapped, missing or extra', () => {
    for (const query of ['杨乔东路12号', '桥杨东路12号', '杨桥桥东路12号', '福建省福州市鼓楼区杨东路37号']) {
      const top = first(query);
      expect(top.id, query).toBe(query.includes('37') ? idOf('福建省福州市鼓楼区杨桥东路37号') : YANGQIAO_12);
      expect(top.score, query).toBeLessThan(0.9);
      expect(top.score, query).toBeGreaterThan(0.7);
    }
    expect(first('中山东路3号').id).toBe(1);
  });

  it('tolerates two typos only in names of five characters or more', () => {
    expect(first('东直门难晓街1号').id).toBe(11);
    expect(INDEX.search('杨乔冬路12号').map((c) => c.id)).not.toContain(YANGQIAO_12);
  });

  it('finds a compound with a typo', () => {
    expect(first('光谷天第3栋2单元1501室').id).toBe(7);
    expect(first('关山大道355号光谷天第3栋2单元1501室').id).toBe(7);
    expect(first('SOHO现带成A座1201室').id).toBe(6);
  });

  it('ranks the exact name above a typo of it', () => {
    const [exact, typo] = [first('杨桥东路12号'), first('杨乔东路12号')];
    expect(exact.score).toBeGreaterThan(typo.score);
  });
});

describe('AddressIndex: conflicting and missing levels', () => {
  it('penalises a conflicting district strongly', () => {
    const [top, next] = INDEX.search('福建省福州市台江区五四路88号');
    expect(top.id).toBe(4);
    expect(next.id).toBe(3);
    expect(next.score).toBeLessThanOrEqual(0.5);
    expect(next.unmatched).toContain('district');
    expect(first('鼓楼区五四路88号').id).toBe(3);
  });

  it('still answers when the only match is in another district, with a low score', () => {
    const top = first('福建省福州市台江区南后街12号');
    expect(top.id).toBe(5);
    expect(top.score).toBeLessThanOrEqual(0.5);
    expect(top.unmatched).toEqual(['district']);
  });

  it('answers with the road when its number is not in the registry', () => {
    const top = first('福建省福州市鼓楼区五四路999号');
    const road = RECORDS.filter((r) => r.address.includes('鼓楼区五四路'));
    expect(top).toMatchObject({ id: null, address: '福建省福州市鼓楼区五四路', matchedLevel: 'road' });
    expect(top.unmatched).toContain('number');
    expect(top.lon).toBeCloseTo(mean(road).lon, 9);
    expect(top.lat).toBeCloseTo(mean(road).lat, 9);
    expect(top.score).toBeGreaterThan(0.3);
    expect(top.score).toBeLessThan(0.8);
    expect(top.levels).toEqual({ province: '福建省', city: '福州市', district: '鼓楼区', road: '五四路' });
  });

  it('answers with the road as a whole when the query names only the road', () => {
    const top = first('鼓楼区五四路');
    expect(top).toMatchObject({ id: null, address: '福建省福州市鼓楼区五四路', matchedLevel: 'road', unmatched: [] });
    expect(top.score).toBeCloseTo(1, 6);
  });

  it('answers with the number when its building is not in the registry', () => {
    // A record for the bare number exists: it is the answer.
    const bare = first('福建省福州市鼓楼区五四路88号3栋');
    expect(bare).toMatchObject({ id: 3, matchedLevel: 'number', unmatched: ['building'] });
    // None does: the mean of the number's records.
    const mean355 = mean(RECORDS.filter((r) => r.address.includes('关山大道355号')));
    const top = first('关山大道355号9栋1单元');
    expect(top).toMatchObject({ id: null, address: '湖北省武汉市洪山区关山大道355号光谷天地', matchedLevel: 'number' });
    expect(top.unmatched).toEqual(['building', 'unit']);
    expect(top.lon).toBeCloseTo(mean355.lon, 9);
    expect(top.lat).toBeCloseTo(mean355.lat, 9);
  });

  it('answers with the building when the query stops there', () => {
    const top = first('关山大道355号光谷天地3栋');
    expect(top).toMatchObject({ id: null, address: '湖北省武汉市洪山区关山大道355号光谷天地3栋', matchedLevel: 'building', unmatched: [] });
  });

  it('answers a compound-only query with the compound or its record', () => {
    expect(first('金域华府1栋1单元102').id).toBe(idOf('广东省深圳市南山区科苑路15号金域华府1栋1单元102室'));
    expect(first('光谷天地')).toMatchObject({ id: null, address: '湖北省武汉市洪山区关山大道355号光谷天地', matchedLevel: 'compound' });
  });

  it('prefers the right room to the right room number in the wrong unit', () => {
    const top = first('关山大道355号光谷天地3栋1单元1501室'); // 1501 exists only in unit 2
    expect(top.id).toBeNull();
    expect(top.matchedLevel).toBe('unit');
    expect(top.unmatched).toEqual(['room']);
  });
});

describe('AddressIndex: results', () => {
  it('returns candidates sorted by score, within 0–1, at most `limit`', () => {
    for (const query of ['五四路88号', '杨乔东路12号', '关山大道355号9栋', '金域华府', '福建省福州市台江区五四路88号']) {
      const candidates = INDEX.search(query, { limit: 3 });
      expect(candidates.length, query).toBeGreaterThan(0);
      expect(candidates.length, query).toBeLessThanOrEqual(3);
      candidates.forEach((c, k) => {
        expect(c.score, query).toBeGreaterThan(0);
        expect(c.score, query).toBeLessThanOrEqual(1);
        if (k > 0) expect(c.score, query).toBeLessThanOrEqual(candidates[k - 1].score);
      });
    }
    expect(INDEX.search('五四路88号', { limit: 1 })).toHaveLength(1);
    expect(INDEX.search('五四路88号').length).toBeLessThanOrEqual(5);
  });

  it('returns nothing for an address that matches nothing', () => {
    expect(INDEX.search('火星市奥林匹斯山路1号')).toEqual([]);
    expect(INDEX.search('福州市鼓楼区')).toEqual([]); // no road or compound to look up
    expect(INDEX.search('')).toEqual([]);
    expect(new AddressIndex().search('五四路88号')).toEqual([]);
  });

  it('filters by region prefix', () => {
    const taijiang = INDEX.search('五四路88号', { regionPrefix: '350103' });
    expect(taijiang[0].id).toBe(4);
    expect(taijiang.every((c) => c.id === 4 || c.address.includes('台江区'))).toBe(true);
    expect(first('五四路88号', INDEX).id).not.toBeNull();
    expect(INDEX.search('五四路88号', { regionPrefix: '350102' })[0].id).toBe(3);
    expect(INDEX.search('五四路88号', { regionPrefix: '44' })).toEqual([]);
    // A road-level answer averages only the region's records.
    const [road] = INDEX.search('五四路999号', { regionPrefix: '350103' });
    expect(road).toMatchObject({ id: null, address: '福建省福州市台江区五四路', lon: 119.312, lat: 26.064 });
  });
});

describe('AddressIndex: lanes (弄)', () => {
  const lane = [
    { id: 1, address: '上海市静安区长乐路100弄5号', lon: 121.4512, lat: 31.2206, regionCode: '310106012000' },
    { id: 2, address: '上海市静安区长乐路100弄7号', lon: 121.4514, lat: 31.2208, regionCode: '310106012000' },
    { id: 3, address: '上海市静安区长乐路100弄7号201室', lon: 121.4514, lat: 31.2208, regionCode: '310106012000' },
    { id: 4, address: '上海市静安区长乐路100号', lon: 121.45, lat: 31.22, regionCode: '310106012000' },
    { id: 5, address: '上海市静安区长乐路102弄3号', lon: 121.452, lat: 31.221, regionCode: '310106012000' },
  ];

  it('reaches the houses of a lane named alone: the lane first, then its houses', () => {
    const index = built(lane);
    const answers = index.search('长乐路100弄', { limit: 5 });
    expect(answers[0]).toMatchObject({ id: null, address: '上海市静安区长乐路100弄', score: 1, matchedLevel: 'number' });
    expect(answers[0].lon).toBeCloseTo((121.4512 + 121.4514 + 121.4514) / 3, 9);
    expect(answers.slice(1).map((c) => c.id)).toEqual([1, 2]);
    expect(answers[1].score).toBeCloseTo(0.97, 9);
    // Not house 100 of the road, nor another lane.
    expect(answers.map((c) => c.id)).not.toContain(4);
    expect(answers.map((c) => c.id)).not.toContain(5);
    expect(first('长乐路100号', index).id).toBe(4);
    expect(first('长乐路100弄7号', index).id).toBe(2);
  });

  it('answers with the lane record itself when the registry holds one', () => {
    const index = built([...lane, { id: 6, address: '上海市静安区长乐路100弄', lon: 121.4513, lat: 31.2207, regionCode: '310106012000' }]);
    const answers = index.search('静安区长乐路一百弄');
    expect(answers[0]).toMatchObject({ id: 6, score: 1 });
    expect(answers.filter((c) => c.id === null)).toEqual([]);
    index.remove([1, 2, 3]);
    expect(index.search('长乐路100弄').map((c) => c.id)).toEqual([6]);
  });
});

describe('AddressIndex: updates', () => {
  it('replaces a record on upsert: new coordinates are returned', () => {
    const index = built();
    index.upsert([{ id: 8, address: '云南省昆明市盘龙区金江路12号', lon: 102.8, lat: 25.1, regionCode: '530103004000' }]);
    expect(index.size).toBe(RECORDS.length);
    expect(first('金江路12号', index)).toMatchObject({ id: 8, lon: 102.8, lat: 25.1 });
  });

  it('replaces a record on upsert: its old address no longer finds it', () => {
    const index = built();
    index.upsert([{ id: 8, address: '云南省昆明市盘龙区金江路14号', lon: 102.724, lat: 25.059, regionCode: '530103004000' }]);
    expect(first('金江路14号', index).id).toBe(8);
    const old = index.search('金江路12号');
    expect(old.map((c) => c.id)).not.toContain(8);
    expect(old[0]).toMatchObject({ id: null, matchedLevel: 'road', lon: 102.724 });
  });

  it('never returns a removed record, and leaves it out of road-level answers', () => {
    const index = built();
    index.remove([5, 3, 999_999]);
    expect(index.size).toBe(RECORDS.length - 2);
    expect(index.search('南后街12号')).toEqual([]);
    expect(index.search('福建省福州市鼓楼区五四路88号').map((c) => c.id)).not.toContain(3);
    const rest = RECORDS.filter((r) => r.address.includes('鼓楼区五四路') && r.id !== 3);
    const [road] = index.search('鼓楼区五四路');
    expect(road.lon).toBeCloseTo(mean(rest).lon, 9);
    // Removing again is harmless, and the id can come back.
    index.remove([5]);
    index.upsert([REAL[4]]);
    expect(first('南后街12号', index).id).toBe(5);
  });

  it('keeps the last of two records with one id in a batch', () => {
    const index = new AddressIndex();
    index.upsert([
      { id: 1, address: '五四路88号', lon: 1, lat: 1 },
      { id: 1, address: '五四路90号', lon: 2, lat: 2 },
    ]);
    expect(index.size).toBe(1);
    expect(index.search('五四路88号').map((c) => c.id)).not.toContain(1);
    expect(first('五四路90号', index)).toMatchObject({ id: 1, lon: 2 });
  });
});

describe('AddressIndex: villages and communities without a road', () => {
  const at = (address: string) => idOf(address);
  const village = (part: string) => RECORDS.filter((r) => r.address.includes(part));

  it('ranks every village record first for its exact text, with a score of 1', () => {
    for (const record of VILLAGES) {
      const top = first(record.address);
      expect(top.id, record.address).toBe(record.id);
      expect(top.score, record.address).toBeCloseTo(1, 6);
      expect(top.unmatched, record.address).toEqual([]);
      expect(top.matchedLevel, record.address).toBe('number');
    }
    expect(first('浙江省湖州市安吉县递铺街道鲁家村7号').levels).toEqual({
      province: '浙江省',
      city: '湖州市',
      district: '安吉县',
      township: '递铺街道',
      community: '鲁家村',
      number: '7',
    });
  });

  it('finds village records without their province, city, district and township', () => {
    expect(first('鲁家村7号')).toMatchObject({ id: at('浙江省湖州市安吉县递铺街道鲁家村7号'), score: 1 });
    expect(first('安吉县鲁家村7号').id).toBe(at('浙江省湖州市安吉县递铺街道鲁家村7号'));
    expect(first('余村村5组20号').id).toBe(at('浙江省湖州市安吉县天荒坪镇余村村5组20号'));
    expect(first('余村村3组12号').id).toBe(10);
    expect(first('余村12号').id).toBe(10); // the village without its committee's 村
    expect(first('甸尾村45号').id).toBe(at('云南省昆明市盘龙区滇源街道甸尾村委会甸尾村45号'));
    expect(first('甸尾村委会甸尾村45号').id).toBe(at('云南省昆明市盘龙区滇源街道甸尾村委会甸尾村45号'));
    expect(first('滇源街道甸尾村委会45号').id).toBe(at('云南省昆明市盘龙区滇源街道甸尾村委会甸尾村45号'));
    expect(first('孝丰镇新村2组5号').id).toBe(at('浙江省湖州市安吉县孝丰镇新村2组5号'));
    expect(first('三坊七巷社区12号').id).toBe(at('福州市鼓楼区东街街道三坊七巷社区12号'));
    expect(first('三坊七巷居委会8号').id).toBe(at('福州市鼓楼区东街街道三坊七巷社区8号'));
  });

  it('reads Chinese numerals for the group and the number', () => {
    expect(first('鲁家村十二号').id).toBe(at('浙江省湖州市安吉县递铺街道鲁家村12号'));
    expect(first('余村村三组十二号').id).toBe(10);
    expect(first('安吉县余村村五组二十三号').id).toBe(at('浙江省湖州市安吉县天荒坪镇余村村5组23号'));
  });

  it('finds a village with one character wrong in its name, for a typo score', () => {
    for (const query of ['鲁佳村12号', '安吉县递铺街道鲁佳村12号', '家鲁村12号']) {
      const top = first(query);
      expect(top.id, query).toBe(at('浙江省湖州市安吉县递铺街道鲁家村12号'));
      expect(top.score, query).toBeLessThan(0.9);
      expect(top.score, query).toBeGreaterThan(0.7);
    }
    expect(first('甸伟村45号').id).toBe(at('云南省昆明市盘龙区滇源街道甸尾村委会甸尾村45号'));
    expect(first('鲁家村12号').score).toBeGreaterThan(first('鲁佳村12号').score);
  });

  it('answers with the village when its number is not in the registry', () => {
    const top = first('浙江省湖州市安吉县递铺街道鲁家村99号');
    const all = village('鲁家村');
    expect(top).toMatchObject({ id: null, address: '浙江省湖州市安吉县递铺街道鲁家村', matchedLevel: 'community' });
    expect(top.unmatched).toContain('number');
    expect(top.lon).toBeCloseTo(mean(all).lon, 9);
    expect(top.lat).toBeCloseTo(mean(all).lat, 9);
    expect(top.score).toBeGreaterThan(0.3);
    expect(top.score).toBeLessThan(0.8);
    expect(top.levels).toEqual({ province: '浙江省', city: '湖州市', district: '安吉县', township: '递铺街道', community: '鲁家村' });
    expect(first('鲁家村99号')).toMatchObject({ id: null, matchedLevel: 'community', unmatched: ['number'] });
    // Named alone, the village is the answer, whole.
    expect(first('鲁家村')).toMatchObject({ id: null, matchedLevel: 'community', unmatched: [], score: 1 });
    expect(first('递铺街道鲁家村')).toMatchObject({ id: null, address: '浙江省湖州市安吉县递铺街道鲁家村' });
    // Over the queried region's records only.
    const [prefixed] = INDEX.search('红星村99号', { regionPrefix: '330523104' });
    expect(prefixed).toMatchObject({ id: null, address: '浙江省湖州市安吉县梅溪镇红星村', matchedLevel: 'community' });
    expect(prefixed.lon).toBeCloseTo(mean(village('梅溪镇红星村')).lon, 9);
  });

  it('answers with the village group when the number is not in it', () => {
    const top = first('余村村3组99号');
    const group = village('余村村3组');
    expect(top).toMatchObject({ id: null, address: '浙江省湖州市安吉县天荒坪镇余村村3组', matchedLevel: 'road', unmatched: ['number'] });
    expect(top.lon).toBeCloseTo(mean(group).lon, 9);
    expect(top.lat).toBeCloseTo(mean(group).lat, 9);
    expect(top.score).toBeLessThan(0.8);
    // 12 is a house of 3组, not of 5组: the number does not count in another group.
    const other = first('余村村5组12号');
    expect(other).toMatchObject({ id: null, address: '浙江省湖州市安吉县天荒坪镇余村村5组', unmatched: ['number'] });
    expect(INDEX.search('余村村5组12号').find((c) => c.id === 10)?.unmatched).toEqual(['road', 'number']);
  });

  it('matches a village group as written, and without it when the registry or the query leaves it out', () => {
    expect(first('余村村3组12号').score).toBeCloseTo(1, 6);
    // The registry has groups, the query none: the record's group is an extra level.
    const withoutGroup = first('余村村12号');
    expect(withoutGroup).toMatchObject({ id: 10, unmatched: [], matchedLevel: 'number' });
    expect(withoutGroup.score).toBeCloseTo(0.97, 6);
    // The registry has no groups, the query one: it is a level the registry does not record.
    const extraGroup = first('鲁家村2组12号');
    expect(extraGroup).toMatchObject({ id: at('浙江省湖州市安吉县递铺街道鲁家村12号'), unmatched: [], matchedLevel: 'number' });
    expect(extraGroup.score).toBeCloseTo(0.97, 6);
    expect(first('鲁家村2组99号')).toMatchObject({ id: null, matchedLevel: 'community', unmatched: ['number'] });
  });

  it('tells villages of one name apart by the township or district in the query', () => {
    for (const [query, address] of [
      ['孝丰镇红星村8号', '浙江省湖州市安吉县孝丰镇红星村8号'],
      ['安吉县梅溪镇红星村8号', '浙江省湖州市安吉县梅溪镇红星村8号'],
      ['浙江省湖州市安吉县孝丰镇红星村3号', '浙江省湖州市安吉县孝丰镇红星村3号'],
      ['德清县红星村3号', '浙江省湖州市德清县乾元镇红星村3号'],
      ['乾元镇红星村3号', '浙江省湖州市德清县乾元镇红星村3号'],
    ]) {
      const [top, next] = INDEX.search(query);
      expect(top.id, query).toBe(at(address));
      expect(top.score, query).toBeGreaterThan(0.95);
      expect(next.score, query).toBeLessThanOrEqual(0.5);
    }
    const [, other] = INDEX.search('孝丰镇红星村8号');
    expect(other).toMatchObject({ id: at('浙江省湖州市安吉县梅溪镇红星村8号'), unmatched: ['township'] });
    // Without a township, villages of one name tie.
    const tied = INDEX.search('红星村8号');
    expect(tied.slice(0, 2).map((c) => c.id).sort()).toEqual(
      [at('浙江省湖州市安吉县孝丰镇红星村8号'), at('浙江省湖州市安吉县梅溪镇红星村8号')].sort(),
    );
    expect(tied[0].score).toBeCloseTo(tied[1].score, 9);
  });

  it('finds a natural village held as the road of its 村委会, and a village named alone', () => {
    const xiacun3 = at('云南省昆明市盘龙区滇源街道甸尾村委会下村3号');
    expect(first('下村3号').id).toBe(xiacun3);
    expect(first('甸尾村委会下村3号').id).toBe(xiacun3);
    expect(first('滇源街道下村3号').id).toBe(xiacun3);
    expect(first('天荒坪镇余村村')).toMatchObject({ id: null, address: '浙江省湖州市安吉县天荒坪镇余村村', matchedLevel: 'community' });
  });

  it('finds 下村3组45号-style addresses (a natural village and its group) whichever way they are written', () => {
    const house = at('云南省昆明市盘龙区滇源街道甸尾村委会下村3组63号');
    for (const query of ['甸尾村委会下村3组63号', '甸尾村下村3组63号', '甸尾村3组63号', '滇源街道甸尾村委会下村三组六十三号']) {
      expect(first(query), query).toMatchObject({ id: house, score: 1, matchedLevel: 'number' });
    }
    // Group 4's house 60 is not group 3's house 60.
    expect(first('甸尾村委会上村4组60号').id).toBe(at('云南省昆明市盘龙区滇源街道甸尾村委会上村4组60号'));
    expect(first('甸尾村委会下村3组60号').id).toBe(at('云南省昆明市盘龙区滇源街道甸尾村委会下村3组60号'));
  });

  it('leaves urban road and compound results as they are without the villages', () => {
    const urban = built(URBAN);
    const queries = [
      ...REAL.map((r) => r.address),
      '南后街12号',
      '三坊七巷社区南后街12号',
      '福建省福州市台江区南后街12号',
      '五四路88号',
      '福建省福州市台江区五四路88号',
      '杨乔东路12号',
      '关山大道355号9栋1单元',
      '金域华府3栋2单元501',
      '光谷天地',
      '中关村大街27号',
      '北京路12号',
    ];
    for (const query of queries) expect(INDEX.search(query), query).toEqual(urban.search(query));
  });

  it('takes removed village records out of the village', () => {
    const index = built();
    const removed = at('浙江省湖州市安吉县递铺街道鲁家村7号');
    index.remove([removed]);
    expect(index.search('鲁家村7号').map((c) => c.id)).not.toContain(removed);
    const [top] = index.search('鲁家村7号');
    expect(top).toMatchObject({ id: null, matchedLevel: 'community' });
    expect(top.lon).toBeCloseTo(mean(village('鲁家村').filter((r) => r.id !== removed)).lon, 9);
    index.upsert([VILLAGES.find((r) => r.id === removed) as AddressRecord]);
    expect(first('鲁家村7号', index).id).toBe(removed);
  });
});
