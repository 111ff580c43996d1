/**
 * Compile-time checks that hold a declared request body against the parser that reads it
 * (routes/grid-batch.ts, services/division-request.ts): a member added to, renamed in or
 * dropped from either side fails `tsc` where the check is written. Types only.
 */

/** Whether two types are the same (not merely assignable either way). */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when its argument is `true`. */
export type Holds<T extends true> = T;
