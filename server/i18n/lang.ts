/**
 * The two languages gridgov speaks. Chinese is the default: the people who read gridgov's
 * messages are planners, dispatchers and 网格员 in China; English is for integrators and
 * anyone who asks for it.
 */
export type Lang = 'zh' | 'en';

export const DEFAULT_LANG: Lang = 'zh';

/** `zh`, `zh-CN`, `zh_Hans`, `en-US`… → a Lang; anything else → undefined. */
export function langOfTag(tag: string): Lang | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return primary === 'zh' ? 'zh' : primary === 'en' ? 'en' : undefined;
}

/**
 * The language of a command-line tool: GRIDGOV_LANG, else the locale (LC_ALL, LC_MESSAGES,
 * LANG: zh_CN.UTF-8 → Chinese, en_US.UTF-8 → English), else Chinese.
 */
export function langOfEnvironment(env: Readonly<Record<string, string | undefined>>): Lang {
  for (const name of ['GRIDGOV_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    return langOfTag(value) ?? DEFAULT_LANG;
  }
  return DEFAULT_LANG;
}

/**
 * The language of an answer: an explicit choice (`?lang=en`) wins; else the Accept-Language
 * entry with the highest q among the two we speak (ties: the first listed); else Chinese.
 */
export function negotiateLang(explicit: unknown, acceptLanguage: string | undefined): Lang {
  if (typeof explicit === 'string') {
    const chosen = langOfTag(explicit);
    if (chosen) return chosen;
  }
  if (!acceptLanguage) return DEFAULT_LANG;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of acceptLanguage.split(',')) {
    const [tag, ...options] = part.split(';');
    const lang = langOfTag(tag ?? '');
    if (!lang) continue;
    const qOption = options.map((o) => o.trim()).find((o) => o.startsWith('q='));
    const q = qOption ? Number(qOption.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang ?? DEFAULT_LANG;
}
