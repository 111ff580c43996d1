/**
 * The API as the phone pages call it: JSON in and out, the key when there is one, a timeout so
 * that a dead connection says so instead of hanging, and errors carrying the server's message
 * (Chinese by default) or a Chinese word for "no connection".
 */
import { ApiError } from '../api-error';

/** An ApiError of status 0: no answer at all (offline, timed out), worth trying again later. */
export function isOffline(error: unknown): boolean {
  return error instanceof ApiError && error.status === 0;
}

export interface LiteRequest {
  method?: string;
  json?: unknown;
  form?: FormData;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export class LiteApi {
  constructor(private key: string | undefined = undefined) {}

  setKey(key: string | undefined): void {
    this.key = key;
  }

  async call<T>(path: string, request: LiteRequest = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': 'zh-CN', ...request.headers };
    if (this.key) headers.Authorization = `Bearer ${this.key}`;
    let body: BodyInit | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form) body = request.form;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeoutMs ?? 30_000);
    let response: Response;
    try {
      response = await fetch(path, { method: request.method ?? (body ? 'POST' : 'GET'), headers, body, signal: controller.signal });
    } catch {
      throw new ApiError(0, 'offline', '网络连接不可用，请稍后重试');
    } finally {
      clearTimeout(timer);
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `服务器返回 ${response.status}`, error?.details);
    }
    return parsed as T;
  }
}

/** A short id for things sent again after a dropped connection (idempotency keys). */
export function clientId(prefix: string): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${Date.now().toString(36)}-${[...random].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
