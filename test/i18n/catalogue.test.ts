import { describe, expect, it } from 'vitest';
import { messages, parametersOf, translate, type MessageKey } from '../../server/i18n/catalogue.js';
import { negotiateLang } from '../../server/i18n/lang.js';

describe('the message catalogue', () => {
  const entries = Object.entries(messages) as [MessageKey, { zh: string; en: string }][];

  it('has every message in Chinese and English, with the same parameters in each', () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const [key, message] of entries) {
      expect(message.zh.trim(), `${key} zh`).not.toBe('');
      expect(message.en.trim(), `${key} en`).not.toBe('');
      expect(/\p{Script=Han}/u.test(message.zh), `${key}: the Chinese text has Chinese in it`).toBe(true);
      expect(parametersOf(message.zh), `${key}: parameters`).toEqual(parametersOf(message.en));
    }
  });

  it('fills parameters and leaves a missing one visible', () => {
    const key = entries[0]![0];
    expect(translate({ key }, 'en')).toBe(messages[key].en);
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
});
