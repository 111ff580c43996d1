import { describe, expect, it } from 'vitest';
import { canonicalText, chineseNumeralsToDigits, normalizeText, roadKey, roadSuffix } from '../../../server/geo/address/normalize.js';

describe('normalizeText', () => {
  it('turns full-width digits, letters and spaces into ASCII and upper-cases letters', () => {
    expect(normalizeText('关山大道３５５号光谷天地３栋')).toBe('关山大道355号光谷天地3栋');
    expect(normalizeText('建国路88号ＳＯＨＯ现代城ａ座')).toBe('建国路88号SOHO现代城A座');
    expect(normalizeText('soho现代城b座')).toBe('SOHO现代城B座');
    expect(normalizeText('五四路\u300088号')).toBe('五四路88号'); // ideographic space
  });

  it('removes whitespace and punctuation', () => {
    expect(normalizeText(' 福建省，福州市（鼓楼区）五四路 88 号。')).toBe('福建省福州市鼓楼区五四路88号');
    expect(normalizeText('【上海市】"黄浦区"·中山东一路、3号')).toBe('上海市黄浦区中山东一路3号');
    expect(normalizeText('“北京市”‘朝阳区’[建国路]88号•(A座)')).toBe('北京市朝阳区建国路88号A座');
    expect(normalizeText('\t长乐路\n100弄 5号\r\n')).toBe('长乐路100弄5号');
  });

  it('keeps a dash between digits, mapping dash and tilde forms to "-", and drops it elsewhere', () => {
    expect(normalizeText('南后街12-3号')).toBe('南后街12-3号');
    expect(normalizeText('南后街12－3号')).toBe('南后街12-3号');
    expect(normalizeText('南后街12—3号')).toBe('南后街12-3号');
    expect(normalizeText('南后街12 – 3号')).toBe('南后街12-3号');
    expect(normalizeText('南后街12~14号')).toBe('南后街12-14号');
    expect(normalizeText('南后街12～14号')).toBe('南后街12-14号');
    expect(normalizeText('南后街-12号')).toBe('南后街12号');
    expect(normalizeText('光谷天地3栋-')).toBe('光谷天地3栋');
  });

  it('keeps # after a building number only', () => {
    expect(normalizeText('光谷天地3#楼')).toBe('光谷天地3#楼');
    expect(normalizeText('光谷天地３＃')).toBe('光谷天地3#');
    expect(normalizeText('#光谷天地')).toBe('光谷天地');
  });

  it('reads 〇/○/零 next to ASCII digits as 0, and ○ elsewhere as 〇', () => {
    expect(normalizeText('金江路1〇3号')).toBe('金江路103号');
    expect(normalizeText('金江路1○3号')).toBe('金江路103号');
    expect(normalizeText('金江路1零3号')).toBe('金江路103号');
    expect(normalizeText('金江路10〇号')).toBe('金江路100号');
    expect(normalizeText('一○三室')).toBe('一〇三室');
    expect(normalizeText('一百零三室')).toBe('一百零三室');
  });

  it('returns text that is already normal unchanged', () => {
    const text = '湖北省武汉市洪山区关山大道355号光谷天地3栋2单元1501室';
    expect(normalizeText(text)).toBe(text);
    expect(normalizeText('')).toBe('');
  });
});

describe('chineseNumeralsToDigits', () => {
  it('converts numerals that stand as numbers, by the marker after them', () => {
    expect(chineseNumeralsToDigits('南后街十二号')).toBe('南后街12号');
    expect(chineseNumeralsToDigits('一百零三室')).toBe('103室');
    expect(chineseNumeralsToDigits('二十栋')).toBe('20栋');
    expect(chineseNumeralsToDigits('三单元')).toBe('3单元');
    expect(chineseNumeralsToDigits('五号楼')).toBe('5号楼');
    expect(chineseNumeralsToDigits('两栋')).toBe('2栋');
    expect(chineseNumeralsToDigits('一〇三室')).toBe('103室');
    expect(chineseNumeralsToDigits('五零一室')).toBe('501室');
    expect(chineseNumeralsToDigits('三幢')).toBe('3幢');
    expect(chineseNumeralsToDigits('二座')).toBe('2座');
    expect(chineseNumeralsToDigits('一百弄')).toBe('100弄');
    expect(chineseNumeralsToDigits('十五楼')).toBe('15楼');
    expect(chineseNumeralsToDigits('八层')).toBe('8层');
    expect(chineseNumeralsToDigits('三零二户')).toBe('302户');
    expect(chineseNumeralsToDigits('四〇二房')).toBe('402房');
    expect(chineseNumeralsToDigits('余村村三组')).toBe('余村村3组');
  });

  it('reads positional numerals', () => {
    expect(chineseNumeralsToDigits('十号')).toBe('10号');
    expect(chineseNumeralsToDigits('一百一十二号')).toBe('112号');
    expect(chineseNumeralsToDigits('三百五十五号')).toBe('355号');
    expect(chineseNumeralsToDigits('两百号')).toBe('200号');
    expect(chineseNumeralsToDigits('一千零五十号')).toBe('1050号');
    expect(chineseNumeralsToDigits('九千九百八十八号')).toBe('9988号');
    expect(chineseNumeralsToDigits('一百一号')).toBe('110号'); // colloquial: the last digit takes the next unit
  });

  it('leaves malformed runs alone', () => {
    expect(chineseNumeralsToDigits('三四十号')).toBe('三四十号'); // "thirty or forty"
    expect(chineseNumeralsToDigits('十百号')).toBe('十百号');
  });

  it('leaves numerals that are part of names alone', () => {
    for (const name of ['中山东一路', '五四路', '三坊七巷', '八一七北路', '十字街', '二环路', '二七广场', '千佛山', '百花洲']) {
      expect(chineseNumeralsToDigits(name)).toBe(name);
    }
    expect(chineseNumeralsToDigits('中山东一路十二号')).toBe('中山东一路12号');
    expect(chineseNumeralsToDigits('八一七北路一号')).toBe('八一七北路1号');
    expect(chineseNumeralsToDigits('三坊七巷社区南后街十二号')).toBe('三坊七巷社区南后街12号');
    expect(chineseNumeralsToDigits('十字街')).toBe('十字街');
  });

  it('converts a number ending the text after a road suffix or a building/unit marker, and after 号之', () => {
    expect(chineseNumeralsToDigits('中山路八十八')).toBe('中山路88');
    expect(chineseNumeralsToDigits('3栋2单元五零一')).toBe('3栋2单元501');
    expect(chineseNumeralsToDigits('五四路88号之一')).toBe('五四路88号之1');
    expect(chineseNumeralsToDigits('三栋二单元五零一室')).toBe('3栋2单元501室');
    // Not at the end, and not before a marker: a name.
    expect(chineseNumeralsToDigits('中山路三坊')).toBe('中山路三坊');
  });

  it('works on whole normalized addresses (canonicalText)', () => {
    expect(canonicalText('关山大道三百五十五号 光谷天地三栋二单元一五零一室')).toBe('关山大道355号光谷天地3栋2单元1501室');
    expect(canonicalText('五四路１２号')).toBe('五四路12号');
  });
});

describe('roadKey', () => {
  it('strips the road suffix, longest first', () => {
    expect(roadKey('五四路')).toBe('五四');
    expect(roadKey('南后街')).toBe('南后');
    expect(roadKey('深南大道')).toBe('深南');
    expect(roadKey('长安大街')).toBe('长安');
    expect(roadKey('南锣鼓巷')).toBe('南锣鼓');
    expect(roadKey('百花胡同')).toBe('百花');
    expect(roadKey('中山路支路')).toBe('中山路');
    expect(roadKey('建业里')).toBe('建业');
    expect(roadKey('东直门南小街')).toBe('东直门南小');
  });

  it('never strips the whole name', () => {
    expect(roadKey('路')).toBe('路');
    expect(roadKey('大街')).toBe('大');
    expect(roadKey('衣锦坊')).toBe('衣锦坊');
  });

  it('gives one key to digit and numeral spellings and to suffix aliases', () => {
    expect(roadKey('中山东1路')).toBe('中山东一');
    expect(roadKey('中山东一路')).toBe('中山东一');
    expect(roadKey('中山东一街')).toBe('中山东一');
    expect(roadKey('经10路')).toBe(roadKey('经十路'));
    expect(roadKey('纬12路')).toBe(roadKey('纬十二路'));
    expect(roadKey('经20路')).toBe(roadKey('经二十路'));
    expect(roadKey('817北路')).toBe(roadKey('八一七北路'));
    expect(roadKey('3组')).toBe('三组');
    expect(roadKey('五四路')).not.toBe(roadKey('五一路'));
  });

  it('names the suffix it strips', () => {
    expect(roadSuffix('深南大道')).toBe('大道');
    expect(roadSuffix('五四路')).toBe('路');
    expect(roadSuffix('衣锦坊')).toBe('');
    expect(roadSuffix('路')).toBe('');
  });
});
