import { describe, expect, it } from 'vitest';
import { formatAddress, parseAddress } from '../../../server/geo/address/parse.js';
import { seededRandom } from '../../../server/geo/random.js';
import type { ParsedAddress } from '../../../server/geo/address/types.js';

const FULL: Array<[string, ParsedAddress]> = [
  ['上海市黄浦区中山东一路3号', { province: '上海市', city: '上海市', district: '黄浦区', road: '中山东一路', number: '3' }],
  ['上海市静安区长乐路100弄5号501室', { province: '上海市', city: '上海市', district: '静安区', road: '长乐路', number: '100-5', room: '501' }],
  ['福建省福州市鼓楼区五四路88号', { province: '福建省', city: '福州市', district: '鼓楼区', road: '五四路', number: '88' }],
  [
    '福州市鼓楼区东街街道三坊七巷社区南后街12号',
    { city: '福州市', district: '鼓楼区', township: '东街街道', community: '三坊七巷社区', road: '南后街', number: '12' },
  ],
  [
    '北京市朝阳区建国路88号SOHO现代城A座1201室',
    { province: '北京市', city: '北京市', district: '朝阳区', road: '建国路', number: '88', compound: 'SOHO现代城', building: 'A', room: '1201' },
  ],
  [
    '湖北省武汉市洪山区关山大道355号光谷天地3栋2单元1501室',
    { province: '湖北省', city: '武汉市', district: '洪山区', road: '关山大道', number: '355', compound: '光谷天地', building: '3', unit: '2', room: '1501' },
  ],
  ['云南省昆明市盘龙区金江路12号', { province: '云南省', city: '昆明市', district: '盘龙区', road: '金江路', number: '12' }],
  [
    '广东省深圳市南山区粤海街道科技园社区深南大道9988号',
    { province: '广东省', city: '深圳市', district: '南山区', township: '粤海街道', community: '科技园社区', road: '深南大道', number: '9988' },
  ],
  [
    '浙江省湖州市安吉县天荒坪镇余村村3组12号',
    { province: '浙江省', city: '湖州市', district: '安吉县', township: '天荒坪镇', community: '余村村', road: '3组', number: '12' },
  ],
  [
    '浙江省湖州市安吉县天荒坪镇余村村12号',
    { province: '浙江省', city: '湖州市', district: '安吉县', township: '天荒坪镇', community: '余村村', number: '12' },
  ],
  [
    '云南省昆明市盘龙区滇源街道甸尾村委会甸尾村45号',
    { province: '云南省', city: '昆明市', district: '盘龙区', township: '滇源街道', community: '甸尾村', number: '45' },
  ],
  ['福州市鼓楼区东街街道三坊七巷社区12号', { city: '福州市', district: '鼓楼区', township: '东街街道', community: '三坊七巷社区', number: '12' }],
  ['广西壮族自治区南宁市青秀区民族大道100号', { province: '广西壮族自治区', city: '南宁市', district: '青秀区', road: '民族大道', number: '100' }],
  ['湖北省恩施土家族苗族自治州恩施市舞阳大街1号', { province: '湖北省', city: '恩施土家族苗族自治州', district: '恩施市', road: '舞阳大街', number: '1' }],
  ['内蒙古自治区锡林郭勒盟锡林浩特市额尔敦路8号', { province: '内蒙古自治区', city: '锡林郭勒盟', district: '锡林浩特市', road: '额尔敦路', number: '8' }],
  ['新疆维吾尔自治区阿克苏地区阿克苏市解放北路3号', { province: '新疆维吾尔自治区', city: '阿克苏地区', district: '阿克苏市', road: '解放北路', number: '3' }],
  ['北京市东城区东直门南小街1号', { province: '北京市', city: '北京市', district: '东城区', road: '东直门南小街', number: '1' }],
];

describe('parseAddress: the levels of whole addresses', () => {
  for (const [text, levels] of FULL) {
    it(text, () => expect(parseAddress(text)).toEqual(levels));
  }
});

describe('parseAddress: regions', () => {
  it('makes a municipality province and city, with or without 市', () => {
    expect(parseAddress('上海黄浦区中山东一路3号')).toMatchObject({ province: '上海市', city: '上海市', district: '黄浦区' });
    expect(parseAddress('重庆渝中区解放碑')).toMatchObject({ province: '重庆市', city: '重庆市', district: '渝中区' });
    expect(parseAddress('天津市和平区南京路1号')).toMatchObject({ province: '天津市', city: '天津市', road: '南京路' });
  });

  it('does not take a road named after a municipality for one', () => {
    expect(parseAddress('北京东路1号')).toEqual({ road: '北京东路', number: '1' });
    expect(parseAddress('上海路12号')).toEqual({ road: '上海路', number: '12' });
  });

  it('reads a province written without 省 when a city follows', () => {
    expect(parseAddress('湖北武汉市洪山区关山大道355号')).toMatchObject({ province: '湖北省', city: '武汉市', district: '洪山区' });
    expect(parseAddress('福建路12号')).toEqual({ road: '福建路', number: '12' });
  });

  it('takes a county-level city after a city as the district', () => {
    expect(parseAddress('福州市福清市音西街道福清大道1号')).toEqual({
      city: '福州市',
      district: '福清市',
      township: '音西街道',
      road: '福清大道',
      number: '1',
    });
    expect(parseAddress('济南市市中区经十路100号')).toMatchObject({ city: '济南市', district: '市中区', road: '经十路' });
  });

  it('leaves out prefixes nobody wrote', () => {
    expect(parseAddress('南后街12号')).toEqual({ road: '南后街', number: '12' });
    expect(parseAddress('鼓楼区五四路88号')).toEqual({ district: '鼓楼区', road: '五四路', number: '88' });
  });

  it('does not read names that end like a level as that level', () => {
    expect(parseAddress('红旗路12号')).toEqual({ road: '红旗路', number: '12' }); // not a banner (旗)
    expect(parseAddress('深圳市南山区科技园社区')).toEqual({ city: '深圳市', district: '南山区', community: '科技园社区' }); // 社区 is no district
    expect(parseAddress('五星红旗小区3栋')).toEqual({ compound: '五星红旗小区', building: '3' });
    expect(parseAddress('城市花园3栋2单元501')).toEqual({ compound: '城市花园', building: '3', unit: '2', room: '501' });
    expect(parseAddress('鼓楼区农贸市场')).toEqual({ district: '鼓楼区', compound: '农贸市场' });
    expect(parseAddress('曹杨新村3号楼')).toEqual({ compound: '曹杨新村', building: '3' }); // 新村 is a compound, not a village
    expect(parseAddress('北京市海淀区中关村大街27号')).toMatchObject({ road: '中关村大街', number: '27' });
    expect(parseAddress('北京市海淀区中关村东路1号')).toMatchObject({ road: '中关村东路', number: '1' });
    expect(parseAddress('魏公村路5号')).toEqual({ road: '魏公村路', number: '5' });
  });

  it('writes townships and communities canonically', () => {
    expect(parseAddress('鼓楼区东街街道办事处')).toEqual({ district: '鼓楼区', township: '东街街道' });
    expect(parseAddress('三坊七巷居委会南后街12号')).toEqual({ community: '三坊七巷社区', road: '南后街', number: '12' });
    expect(parseAddress('余村村委会3组12号')).toEqual({ community: '余村村', road: '3组', number: '12' });
    expect(parseAddress('鼓楼区温泉社区东街12号')).toEqual({ district: '鼓楼区', community: '温泉社区', road: '东街', number: '12' });
  });
});

describe('parseAddress: roads and numbers', () => {
  it('reads the house number forms', () => {
    expect(parseAddress('五四路88号').number).toBe('88');
    expect(parseAddress('五四路88-1号').number).toBe('88-1');
    expect(parseAddress('五四路88号之1').number).toBe('88-1');
    expect(parseAddress('五四路88号之一').number).toBe('88-1');
    expect(parseAddress('长乐路100弄5号').number).toBe('100-5');
    // A lane alone is the lane as a whole, not house 100: its houses are 100-1, 100-2 …
    expect(parseAddress('长乐路100弄')).toEqual({ road: '长乐路', number: '100弄' });
    expect(parseAddress('长乐路一百弄')).toEqual({ road: '长乐路', number: '100弄' });
    expect(parseAddress('中山路88')).toEqual({ road: '中山路', number: '88' });
    expect(parseAddress('中山路88-2')).toEqual({ road: '中山路', number: '88-2' });
    expect(parseAddress('南锣鼓巷88号院3号楼')).toEqual({ road: '南锣鼓巷', number: '88', building: '3' });
  });

  it('does not take a building number for a house number', () => {
    expect(parseAddress('中山路5号楼')).toEqual({ road: '中山路', building: '5' });
    expect(parseAddress('中山路3栋')).toEqual({ road: '中山路', building: '3' });
  });

  it('reads villages without a road: the number right after the village, or after its group', () => {
    expect(parseAddress('余村村12号')).toEqual({ community: '余村村', number: '12' });
    expect(parseAddress('余村村三组十二号')).toEqual({ community: '余村村', road: '3组', number: '12' });
    expect(parseAddress('天荒坪镇余村村民委员会3组12号')).toEqual({ township: '天荒坪镇', community: '余村村', road: '3组', number: '12' });
    expect(parseAddress('三坊七巷社区12号')).toEqual({ community: '三坊七巷社区', number: '12' });
  });

  it('skips a village written again after its committee, but keeps another natural village as the road', () => {
    expect(parseAddress('甸尾村委会甸尾村45号')).toEqual({ community: '甸尾村', number: '45' });
    expect(parseAddress('甸尾村委会甸尾村3组45号')).toEqual({ community: '甸尾村', road: '3组', number: '45' });
    expect(parseAddress('甸尾村委会甸尾村路5号')).toEqual({ community: '甸尾村', road: '甸尾村路', number: '5' });
    expect(parseAddress('甸尾村委会下村45号')).toEqual({ community: '甸尾村', road: '下村', number: '45' });
  });

  it('reads a natural village with its 村民小组 as the group: the group is the unit below the village', () => {
    const expected = { province: '云南省', city: '昆明市', district: '盘龙区', township: '滇源街道', community: '甸尾村', road: '3组', number: '45' };
    expect(parseAddress('云南省昆明市盘龙区滇源街道甸尾村委会下村3组45号')).toEqual(expected);
    expect(parseAddress('甸尾村委会下村3组45号')).toEqual({ community: '甸尾村', road: '3组', number: '45' });
    expect(parseAddress('甸尾村村民委员会下村三组四十五号')).toEqual({ community: '甸尾村村', road: '3组', number: '45' }); // the committee of 甸尾村, as 余村村
    expect(parseAddress('甸尾村下村3组45号')).toEqual({ community: '甸尾村', road: '3组', number: '45' });
    // A road keeps its name: only a natural village before a group gives way.
    expect(parseAddress('甸尾村委会甸尾村路5号')).toEqual({ community: '甸尾村', road: '甸尾村路', number: '5' });
  });

  it('reads 新村 right after a 镇 or 乡 as the village, and …新村 elsewhere as before', () => {
    expect(parseAddress('安吉县孝丰镇新村12号')).toEqual({ district: '安吉县', township: '孝丰镇', community: '新村', number: '12' });
    expect(parseAddress('孝丰乡新村3组12号')).toEqual({ township: '孝丰乡', community: '新村', road: '3组', number: '12' });
    expect(parseAddress('新村3号楼')).toEqual({ compound: '新村', building: '3' });
    expect(parseAddress('曹杨新村3号楼')).toEqual({ compound: '曹杨新村', building: '3' });
    expect(parseAddress('孝丰镇曹杨新村3号楼')).toEqual({ township: '孝丰镇', compound: '曹杨新村', building: '3' });
    expect(parseAddress('普陀区新村路1号')).toEqual({ district: '普陀区', road: '新村路', number: '1' });
    expect(parseAddress('北京市海淀区中关村大街27号')).toEqual({ province: '北京市', city: '北京市', district: '海淀区', road: '中关村大街', number: '27' });
  });

  it('joins road segments, and takes a village group or an unknown suffix before a number as the road', () => {
    expect(parseAddress('中山路三巷12号')).toEqual({ road: '中山路三巷', number: '12' });
    expect(parseAddress('余村村3组12号')).toEqual({ community: '余村村', road: '3组', number: '12' });
    expect(parseAddress('衣锦坊12号')).toEqual({ road: '衣锦坊', number: '12' });
  });

  it('reads numbers in Chinese numerals and full width', () => {
    expect(parseAddress('南后街十二号')).toEqual({ road: '南后街', number: '12' });
    expect(parseAddress('关山大道三百五十五号光谷天地三栋二单元一五零一室')).toEqual({
      road: '关山大道',
      number: '355',
      compound: '光谷天地',
      building: '3',
      unit: '2',
      room: '1501',
    });
    expect(parseAddress('关山大道３５５号光谷天地３＃楼２单元１５０１房')).toEqual({
      road: '关山大道',
      number: '355',
      compound: '光谷天地',
      building: '3',
      unit: '2',
      room: '1501',
    });
  });
});

describe('parseAddress: compound, building, unit, room', () => {
  it('takes everything between the number and a building marker as the compound', () => {
    expect(parseAddress('建国路88号SOHO现代城A座1201室')).toMatchObject({ compound: 'SOHO现代城', building: 'A', room: '1201' });
    expect(parseAddress('万科城3期3栋')).toEqual({ compound: '万科城3期', building: '3' });
    expect(parseAddress('中山路金域华府3栋')).toEqual({ road: '中山路', compound: '金域华府', building: '3' });
    expect(parseAddress('中山路88号金域华府')).toEqual({ road: '中山路', number: '88', compound: '金域华府' });
  });

  it('parses a compound-only address', () => {
    expect(parseAddress('金域华府3栋2单元501')).toEqual({ compound: '金域华府', building: '3', unit: '2', room: '501' });
  });

  it('treats 栋/幢/座/号楼/#/# 楼 as one building marker', () => {
    for (const marker of ['栋', '幢', '座', '号楼', '#楼', '#']) {
      expect(parseAddress(`光谷天地3${marker}2单元`), marker).toEqual({ compound: '光谷天地', building: '3', unit: '2' });
    }
    expect(parseAddress('建国路88号第3栋第2单元501')).toEqual({ road: '建国路', number: '88', building: '3', unit: '2', room: '501' });
    expect(parseAddress('五四路88号A座').building).toBe('A');
  });

  it('treats 室/房/户 as one room marker, and takes a bare trailing number after a building or unit as the room', () => {
    for (const marker of ['室', '房', '户', '']) {
      expect(parseAddress(`光谷天地3栋2单元1501${marker}`).room, marker).toBe('1501');
    }
    expect(parseAddress('SOHO现代城A座1201').room).toBe('1201');
    expect(parseAddress('光谷天地3栋501')).toEqual({ compound: '光谷天地', building: '3', room: '501' });
    expect(parseAddress('五四路88号2单元301户')).toEqual({ road: '五四路', number: '88', unit: '2', room: '301' });
  });

  it('folds a floor into the room only when no room follows', () => {
    expect(parseAddress('建国路88号5楼')).toEqual({ road: '建国路', number: '88', room: '5' });
    expect(parseAddress('建国路88号5层')).toEqual({ road: '建国路', number: '88', room: '5' });
    expect(parseAddress('建国路88号5楼501室')).toEqual({ road: '建国路', number: '88', room: '501' });
    expect(parseAddress('建国路88号5楼501')).toEqual({ road: '建国路', number: '88', room: '501' });
  });

  it('reads building-unit-room written with dashes', () => {
    expect(parseAddress('中山路88号3-2-501')).toEqual({ road: '中山路', number: '88', building: '3', unit: '2', room: '501' });
    expect(parseAddress('金域华府3-2-501室')).toEqual({ compound: '金域华府', building: '3', unit: '2', room: '501' });
  });
});

describe('parseAddress: robustness', () => {
  it('returns no levels for empty or meaningless text', () => {
    expect(parseAddress('')).toEqual({});
    expect(parseAddress('，。！ ')).toEqual({});
    expect(parseAddress('12345')).toEqual({});
  });

  it('never throws, whatever it is given', () => {
    const random = seededRandom(7);
    const alphabet = [...'省市区县旗镇乡街道社区村路街巷弄号栋幢座单元室房户楼层组之院第一二十百零〇0123456789-#ABａ１（），。 中山东五四光谷天地']; // level words and noise
    for (let k = 0; k < 2000; k++) {
      const length = Math.floor(random() * 40);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(() => parseAddress(text), text).not.toThrow();
    }
  });
});

describe('formatAddress', () => {
  it('writes levels back with their markers, a municipality once', () => {
    expect(formatAddress({ road: '五四路', number: '88', building: '3', unit: '2', room: '501' })).toBe('五四路88号3栋2单元501室');
    expect(formatAddress({ province: '上海市', city: '上海市', district: '静安区', road: '长乐路', number: '100-5', room: '501' })).toBe(
      '上海市静安区长乐路100-5号501室',
    );
    expect(formatAddress({ road: '长乐路', number: '100弄' })).toBe('长乐路100弄');
    expect(formatAddress({})).toBe('');
  });

  it('round-trips through parseAddress', () => {
    for (const [, levels] of FULL) expect(parseAddress(formatAddress(levels))).toEqual(levels);
    const noisy = parseAddress('关山大道三百五十五号 光谷天地三幢二单元一五零一房');
    expect(parseAddress(formatAddress(noisy))).toEqual(noisy);
  });
});
