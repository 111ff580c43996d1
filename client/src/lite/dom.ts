/** Tiny DOM helpers for the phone pages (no framework: the page must load fast). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** 2026-11-23T08:05:00Z → 11-23 16:05 (China time, as the phone shows it). */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const STATUS_NAMES: Record<string, string> = {
  reported: '待派遣',
  dispatched: '已派遣',
  in_progress: '处置中',
  resolved: '已办结',
  closed: '已结案',
  rejected: '已退回',
  reopened: '已重启',
};

export const LIGHT_NAMES: Record<string, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' };
export const LIGHT_COLOURS: Record<string, string> = { red: '#d7191c', yellow: '#f2a900', green: '#1a9850' };
