import { describe, expect, it } from 'vitest';
import { blocks, isText, localize, messages, parametersOf, shown, text, translate, type MessageKey } from '../../server/i18n/catalogue.js';
import { langOfEnvironment, negotiateLang } from '../../server/i18n/lang.js';

describe('the message catalogue', () => {
  const entries = Object.entries(messages) as [MessageKey, { zh: string; en: string }][];

  it('has every message in Chinese and English, with the same parameters in each', () => {
    expect(entries.length).toBeGreaterThan(400);
    for (const [key, message] of entries) {
      expect(message.zh.trim(), `${key} zh`).not.toBe('');
      expect(message.en.trim(), `${key} en`).not.toBe('');
      // Chinese characters, or at least Chinese punctuation (a bare "{where}：{message}", “{value}”).
      expect(/[\p{Script=Han}\u3000-\u303f\uff01-\uff1f\u201c\u201d]/u.test(message.zh), `${key}: the Chinese text has Chinese in it`).toBe(true);
      expect(parametersOf(message.zh), `${key}: parameters`).toEqual(parametersOf(message.en));
    }
  });

  it('defines each key once: no block silently overrides another', () => {
    const seen = new Map<string, string>();
    for (const [block, keys] of Object.entries(blocks)) {
      for (const key of Object.keys(keys)) {
        expect(seen.get(key), `${key} is in ${block} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, block);
      }
    }
  });

  it('keys are stable English identifiers: the code, or code.variant', () => {
    for (const [key] of entries) expect(key, key).toMatch(/^[a-z][a-z0-9_]*(\.[a-zA-Z0-9_]+)*$/);
  });

  it('fills parameters (nested texts and lists in the same language) and leaves a missing one visible', () => {
    const nested = text('not_a_village.grid', { regionCode: '350102004000', level: text('level.township') });
    expect(translate(nested, 'zh')).toBe('网格须挂在村（社区）下；350102004000 是乡镇（街道）级区划');
    expect(translate(nested, 'en')).toBe('Grids belong to a village/community; 350102004000 is a township');
    const list = text('invalid_property.one_of', { field: 'kind', allowed: ['urban', 'rural'], got: '"x"' });
    expect(translate(list, 'zh')).toContain('urban、rural');
    expect(translate(list, 'en')).toContain('urban, rural');
    expect(translate(text('unknown_grid'), 'en')).toBe('No grid with code {code}');
  });

  it('quotes a received value as each language does', () => {
    const refusal = (got: unknown) => text('invalid_property.one_of', { field: 'kind', allowed: ['urban', 'rural'], got: shown(got) });
    expect(translate(refusal('森林'), 'zh')).toBe('kind 须为 urban、rural 之一，收到“森林”');
    expect(translate(refusal('森林'), 'en')).toBe('kind must be one of urban, rural, got "森林"');
    expect(translate(refusal(5), 'zh')).toBe('kind 须为 urban、rural 之一，收到 5');
    expect(translate(refusal(null), 'zh')).toBe('kind 须为 urban、rural 之一，收到 空值');
    // A file's column named in full-width brackets takes no space after them.
    const column = text('invalid_property.one_of', { field: text('field.column', { property: 'kind', column: '类型' }), allowed: ['urban'], got: shown('x') });
    expect(translate(column, 'zh')).toBe('kind（文件列“类型”）须为 urban 之一，收到“x”');
    expect(translate(refusal(undefined), 'en')).toBe('kind must be one of urban, rural, got nothing');
    expect(translate(refusal('a\nb'), 'en')).toBe('kind must be one of urban, rural, got "a\\nb"');
    expect(translate(refusal('x'.repeat(100)), 'en')).toBe(`kind must be one of urban, rural, got "${'x'.repeat(80)}…"`);
    expect(translate(refusal({ a: 1 }), 'en')).toBe('kind must be one of urban, rural, got {"a":1}');
  });

  it('puts every Text of a value into words, at any depth, and leaves the rest as it is', () => {
    const value = {
      code: 'x',
      problems: [{ code: 'overlap', message: text('unknown_grid', { code: '1' }), details: { overlap: { type: 'Point', coordinates: [1, 2] } } }],
      key: 'not a text',
      at: new Date('2026-01-01T00:00:00Z'),
    };
    const words = localize(value, 'zh');
    expect(words.problems[0].message).toBe('没有编码为 1 的网格');
    expect(words.problems[0].details).toEqual({ overlap: { type: 'Point', coordinates: [1, 2] } });
    expect(words.key).toBe('not a text');
    expect(words.at).toBe('2026-01-01T00:00:00.000Z');
    // Only a catalogue key with nothing beside key and params is a Text: user data is not rewritten.
    expect(isText({ key: 'unknown_grid', params: {}, other: 1 })).toBe(false);
    expect(isText({ key: 'no such key' })).toBe(false);
    expect(isText(text('unknown_grid', { code: '1' }))).toBe(true);
  });
});

describe('choosing the language', () => {
  it('is Chinese by default, follows Accept-Language by q, and ?lang= overrides', () => {
    expect(negotiateLang(undefined, undefined)).toBe('zh');
    expect(negotiateLang(undefined, 'en-US,en;q=0.9')).toBe('en');
    expect(negotiateLang(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(negotiateLang(undefined, 'fr-FR,en;q=0.5,zh;q=0.7')).toBe('zh');
    expect(negotiateLang(undefined, 'fr-FR')).toBe('zh');
    expect(negotiateLang('en', 'zh-CN')).toBe('en');
    expect(negotiateLang('zh_CN', 'en')).toBe('zh');
    expect(negotiateLang('klingon', 'en')).toBe('en');
  });

  it('in a terminal: GRIDGOV_LANG, else the locale, else Chinese', () => {
    expect(langOfEnvironment({})).toBe('zh');
    expect(langOfEnvironment({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(langOfEnvironment({ LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(langOfEnvironment({ LANG: 'C.UTF-8' })).toBe('zh');
    expect(langOfEnvironment({ LANG: 'en_US.UTF-8', GRIDGOV_LANG: 'zh' })).toBe('zh');
  });
});
