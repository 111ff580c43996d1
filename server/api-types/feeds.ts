/**
 * POST /api/feeds/events and POST /api/feeds/gb28181 as the API answers them, declared once
 * (routes/feeds.ts builds them). Types only.
 */

/** How one event of a batch fared, at its index in the batch. */
export type FeedEventResult =
  | { index: number; status: 'accepted'; incidentId: number; gridCode: string | null; mediaStored: boolean }
  | { index: number; status: 'duplicate' }
  | { index: number; status: 'rejected'; code: string; reason: string };

/** A refused event: its index in the batch, the problem's code and its reason in the reader's language. */
export type RefusedFeedEvent = Extract<FeedEventResult, { status: 'rejected' }>;

/** The counts of a batch; every event is accepted, a duplicate (stored before) or rejected. */
export interface FeedIngestCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
  incidents: { created: number; updated: number };
}

/** The default answer: the counts and one result per event, in order. */
export interface FeedIngestAnswer extends FeedIngestCounts {
  results: FeedEventResult[];
}

/**
 * `?answer=compact`: the counts and only the refused events — what a sender of large batches
 * needs (what to fix; every other event is stored), without 1,000 results to write and read.
 */
export interface FeedIngestCompactAnswer extends FeedIngestCounts {
  refused: RefusedFeedEvent[];
}
