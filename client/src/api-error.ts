/**
 * An answer of the API that is not a success: its HTTP status, the error code and message the
 * server wrote, and any details. A module of its own so that the phone pages (src/lite) can
 * use it without pulling in the planner's API client and its dictionaries.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
