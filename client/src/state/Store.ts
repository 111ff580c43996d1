/**
 * A tiny typed observable state: the few values the planner's parts share (view, region,
 * selection, asOf, who is signed in, the live checks' findings, the save in progress).
 * Whoever changes a value sets it here; whoever shows it subscribes. No framework: listeners
 * called synchronously, in the order they subscribed, once the whole change is set.
 */
export type Listener<S> = (state: Readonly<S>, changed: ReadonlySet<keyof S>) => void;

export class Store<S extends object> {
  private readonly current: S;
  private readonly listeners: { keys: ReadonlySet<keyof S> | null; listener: Listener<S> }[] = [];

  /** @param initial The first state (copied: later changes go through `set`). */
  constructor(initial: S) {
    this.current = { ...initial };
  }

  /** The state now (read-only: change it with `set`). */
  get state(): Readonly<S> {
    return this.current;
  }

  /**
   * Sets the values of `patch`, then tells each subscriber whose keys include one that changed
   * (`Object.is`). With `always`, every key of the patch counts as changed even when its value
   * stayed (what it stands for changed, e.g. the selected grid was saved).
   */
  set(patch: Partial<S>, always = false): void {
    const changed = new Set<keyof S>();
    for (const key of Object.keys(patch) as (keyof S)[]) {
      const value = patch[key] as S[keyof S];
      if (!always && Object.is(this.current[key], value)) continue;
      this.current[key] = value;
      changed.add(key);
    }
    if (changed.size === 0) return;
    for (const { keys, listener } of [...this.listeners]) {
      if (keys === null || [...changed].some((key) => keys.has(key))) listener(this.current, changed);
    }
  }

  /**
   * Calls `listener` after each `set` that changed one of `keys` (all keys when none are
   * given); returns the way to stop.
   */
  subscribe(listener: Listener<S>, keys?: (keyof S)[]): () => void {
    const entry = { keys: keys ? new Set(keys) : null, listener };
    this.listeners.push(entry);
    return () => {
      const at = this.listeners.indexOf(entry);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** Calls `listener` with the new value each time `key` is set (see `set`). */
  on<K extends keyof S>(key: K, listener: (value: S[K], state: Readonly<S>) => void): () => void {
    return this.subscribe((state) => listener(state[key], state), [key]);
  }
}
