/**
 * Undo/redo of boundary edits. An entry records, for each grid it touched, the geometry before
 * and after (map coordinates, polygons → rings → points); `null` means the grid did not exist
 * (a drawn grid before it was drawn, a merged grid after it). Splits and merges also record the
 * attributes they changed (stored households and population shared out or added up).
 */
import type { Coordinate } from 'ol/coordinate';
import type { GridProperties } from '../api';

export type Polygons = Coordinate[][][];

export interface EditEntry {
  label: string;
  changes: EditChange[];
}

/** One grid's change: its geometry, and (split, merge, discard) its attributes before and after. */
export interface EditChange {
  code: string;
  before: Polygons | null;
  after: Polygons | null;
  propsBefore?: GridProperties;
  propsAfter?: GridProperties;
}

export class UndoStack {
  private done: EditEntry[] = [];
  private undone: EditEntry[] = [];

  push(entry: EditEntry): void {
    if (entry.changes.length === 0) return;
    this.done.push(entry);
    this.undone = [];
  }

  undo(): EditEntry | undefined {
    const entry = this.done.pop();
    if (entry) this.undone.push(entry);
    return entry;
  }

  redo(): EditEntry | undefined {
    const entry = this.undone.pop();
    if (entry) this.done.push(entry);
    return entry;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }

  /** Forgets the grids in `codes` (reloaded from the server): entries left empty go. */
  forget(codes: Set<string>): void {
    const keep = (entry: EditEntry) => {
      entry.changes = entry.changes.filter((c) => !codes.has(c.code));
      return entry.changes.length > 0;
    };
    this.done = this.done.filter(keep);
    this.undone = this.undone.filter(keep);
  }
}
