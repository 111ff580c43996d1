/** The client's tiny observable store (client/src/state/Store.ts): what is told to whom, and when. */
import { describe, expect, it } from 'vitest';
import { Store } from '../../client/src/state/Store.js';

interface S {
  selected: string | null;
  asOf: string | null;
  problems: string[];
}

const initial = (): S => ({ selected: null, asOf: null, problems: [] });

describe('Store', () => {
  it('holds a copy of the first state and sets values', () => {
    const first = initial();
    const store = new Store(first);
    store.set({ selected: 'a' });
    expect(store.state.selected).toBe('a');
    expect(first.selected).toBeNull();
  });

  it('tells a key’s subscribers when its value changes, with the new value, after the whole patch is set', () => {
    const store = new Store(initial());
    const seen: [string | null, string | null][] = [];
    store.on('selected', (value, state) => seen.push([value, state.asOf]));
    store.set({ selected: 'a', asOf: '2024-01-01' });
    expect(seen).toEqual([['a', '2024-01-01']]);
  });

  it('says nothing when a value stays the same, unless told to say it always', () => {
    const store = new Store(initial());
    let calls = 0;
    store.on('selected', () => calls++);
    store.set({ selected: null });
    expect(calls).toBe(0);
    store.set({ selected: null }, true);
    expect(calls).toBe(1);
  });

  it('leaves the subscribers of other keys alone', () => {
    const store = new Store(initial());
    let asOf = 0;
    store.on('asOf', () => asOf++);
    store.set({ selected: 'a' });
    expect(asOf).toBe(0);
  });

  it('calls a subscriber of several keys once per change, with the keys that changed', () => {
    const store = new Store(initial());
    const changes: string[][] = [];
    store.subscribe((_, changed) => changes.push([...changed].map(String).sort()), ['selected', 'asOf']);
    store.set({ selected: 'a', asOf: 'x', problems: ['p'] });
    store.set({ problems: [] });
    expect(changes).toEqual([['asOf', 'problems', 'selected']]);
  });

  it('calls a subscriber of every key on any change', () => {
    const store = new Store(initial());
    let calls = 0;
    store.subscribe(() => calls++);
    store.set({ problems: ['p'] });
    store.set({ asOf: 'x' });
    expect(calls).toBe(2);
  });

  it('calls subscribers in the order they subscribed, and stops calling one that unsubscribed', () => {
    const store = new Store(initial());
    const order: string[] = [];
    store.on('selected', () => order.push('first'));
    const stop = store.on('selected', () => order.push('second'));
    store.on('selected', () => order.push('third'));
    store.set({ selected: 'a' });
    stop();
    store.set({ selected: 'b' });
    expect(order).toEqual(['first', 'second', 'third', 'first', 'third']);
  });

  it('lets a subscriber set the state again (a nested change is told in full before the outer one goes on)', () => {
    const store = new Store(initial());
    const seen: string[] = [];
    store.on('selected', (value) => {
      seen.push(`selected ${value}`);
      if (value === 'a') store.set({ asOf: 'x' });
    });
    store.on('asOf', (value) => seen.push(`asOf ${value}`));
    store.set({ selected: 'a' });
    expect(seen).toEqual(['selected a', 'asOf x']);
  });
});
