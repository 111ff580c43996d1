/**
 * Where the web client keeps its API key: session storage (gone when the tab closes, never
 * sent anywhere but this service). A key can arrive once in the URL as `#key=…` — the link the
 * service prints on its first start — and is taken out of the address bar at once, so it is not
 * left in the history or in a screenshot.
 */
const STORAGE_KEY = 'gridgov.key';

/** A key passed as #key=… (then removed from the URL), or undefined. */
export function takeKeyFromUrl(): string | undefined {
  const match = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
  if (!match) return undefined;
  const rest = window.location.hash.replace(/(^#|&)key=[^&]+/, '$1').replace(/^#&/, '#');
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest === '#' ? '' : rest}`);
  return decodeURIComponent(match[1]);
}

export function storedKey(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
