/**
 * Boundary editing of the grids: modify the selected grid (with the vertices it shares with its
 * neighbours, when "shared vertices" is on), snap to neighbours, village boundaries and the
 * roads and rivers grids should follow, draw new grids, undo/redo; knows which grids changed
 * since they were loaded.
 *
 * Shared vertices: OpenLayers' Modify moves every vertex that is *exactly* at the dragged
 * vertex's coordinate among the features it works on (and splits coincident segments alike when
 * a vertex is inserted on an edge). The stored grids share their borders vertex for vertex, so
 * giving Modify the selected grid plus its neighbours moves a shared border as one. A condition
 * keeps drags to the selected grid's own boundary; with "shared vertices" off Modify gets the
 * selected grid alone, and a shared vertex comes apart.
 */
import Collection from 'ol/Collection';
import Feature from 'ol/Feature';
import type Map from 'ol/Map';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Polygon from 'ol/geom/Polygon';
import type LineString from 'ol/geom/LineString';
import Draw from 'ol/interaction/Draw';
import Modify from 'ol/interaction/Modify';
import Snap from 'ol/interaction/Snap';
import { altKeyOnly, primaryAction, singleClick } from 'ol/events/condition';
import { buffer as bufferExtent } from 'ol/extent';
import { Circle as CircleStyle, Fill, Stroke, Style } from 'ol/style';
import type MapBrowserEvent from 'ol/MapBrowserEvent';
import type { GridLayer, GridFeatureOL } from '../layers/GridLayer';
import { gridOf } from '../layers/GridLayer';
import type { RegionLayer } from '../layers/RegionLayer';
import type VectorSource from 'ol/source/Vector';
import type { MapCrs } from '../map/crs';
import type { GridProperties, Polygonal } from '../api';
import { areaOf, mergePolygons, splitPolygon } from './checks';
import { UndoStack, type EditChange, type Polygons } from './UndoStack';
import { apportion } from '../../../server/geo/households';

export type EditMode = 'select' | 'edit' | 'draw' | 'split' | 'merge';

export interface PendingChange {
  code: string;
  isNew: boolean;
  properties: GridProperties;
  /** As loaded (WGS84); null for a drawn grid. */
  before: Polygonal | null;
  /** As edited (WGS84); for a retired grid the same as before. */
  after: Polygonal;
  /** Merged into another grid: retired on save (DELETE with If-Match). */
  retire?: boolean;
}

export function polygonsOf(feature: Feature): Polygons {
  const geometry = feature.getGeometry();
  if (geometry instanceof Polygon) return [geometry.getCoordinates()];
  if (geometry instanceof MultiPolygon) return geometry.getCoordinates();
  return [];
}

function setPolygons(feature: GridFeatureOL, polygons: Polygons): void {
  const geometry = feature.getGeometry();
  if (geometry instanceof Polygon && polygons.length === 1) geometry.setCoordinates(polygons[0]);
  else if (geometry instanceof MultiPolygon) geometry.setCoordinates(polygons);
  else feature.setGeometry(polygons.length === 1 ? new Polygon(polygons[0]) : new MultiPolygon(polygons));
}

function samePolygons(a: Polygons, b: Polygons): boolean {
  if (a.length !== b.length) return false;
  for (let p = 0; p < a.length; p++) {
    if (a[p].length !== b[p].length) return false;
    for (let r = 0; r < a[p].length; r++) {
      const ra = a[p][r];
      const rb = b[p][r];
      if (ra.length !== rb.length) return false;
      for (let i = 0; i < ra.length; i++) if (ra[i][0] !== rb[i][0] || ra[i][1] !== rb[i][1]) return false;
    }
  }
  return true;
}

const clone = (polygons: Polygons): Polygons => polygons.map((rings) => rings.map((ring) => ring.map((xy) => [xy[0], xy[1]])));

export class GridEditor {
  readonly undoStack = new UndoStack();
  private mode: EditMode = 'select';
  private selected: string | null = null;
  private shared = true;
  private snapping = true;
  private readOnly = false;
  private newCount = 0;
  private readonly originals = new globalThis.Map<string, { polygons: Polygons; properties: GridProperties }>();
  private readonly modifyFeatures = new Collection<GridFeatureOL>();
  private readonly modify: Modify;
  private readonly draw: Draw;
  private readonly splitLine: Draw;
  /** Grids merged into another, out of the map until saved (or undone). */
  private readonly retired = new globalThis.Map<string, GridFeatureOL>();
  private readonly snaps: Snap[];
  /** The snap to roads and rivers: off while they are hidden (nothing snaps to what is not drawn). */
  private lineSnap: Snap | undefined;
  private lineSnapping = true;
  private beforeModify = new globalThis.Map<string, Polygons>();
  private readonly listeners = new Set<() => void>();
  /** Called when a new grid is drawn, so that the app selects it. */
  onDrawn: (code: string) => void = () => {};
  /** Called with the line drawn in split mode (map coordinates). */
  onSplitLine: (line: number[][]) => void = () => {};

  constructor(
    private readonly map: Map,
    private readonly grids: GridLayer,
    private readonly regions: RegionLayer,
    private readonly crs: MapCrs,
    /** Roads and rivers (ReferenceLineLayer's source): snapped to, vertex and edge, like neighbours. */
    lines?: VectorSource,
  ) {
    const vertexStyle = new Style({
      image: new CircleStyle({ radius: 6, fill: new Fill({ color: '#ffffff' }), stroke: new Stroke({ color: '#d9480f', width: 2.5 }) }),
    });
    this.modify = new Modify({
      features: this.modifyFeatures,
      pixelTolerance: 10,
      style: vertexStyle,
      condition: (event) => primaryAction(event) && this.nearSelected(event),
      deleteCondition: (event) => altKeyOnly(event) && singleClick(event) && this.nearSelected(event),
    });
    this.modify.on('modifystart', () => {
      this.beforeModify = new globalThis.Map(this.modifyFeatures.getArray().map((f) => [String(f.getId()), clone(polygonsOf(f))]));
    });
    this.modify.on('modifyend', () => {
      const changes = [];
      for (const feature of this.modifyFeatures.getArray()) {
        const code = String(feature.getId());
        const before = this.beforeModify.get(code);
        const after = polygonsOf(feature);
        if (before && !samePolygons(before, after)) changes.push({ code, before, after: clone(after) });
      }
      this.undoStack.push({ label: 'modify', changes });
      this.refreshDirty(changes.map((c) => c.code));
    });
    this.draw = new Draw({
      type: 'Polygon',
      style: [
        new Style({ fill: new Fill({ color: 'rgba(0,150,200,0.18)' }), stroke: new Stroke({ color: '#0096c8', width: 2, lineDash: [6, 4] }) }),
        new Style({ image: new CircleStyle({ radius: 5, fill: new Fill({ color: '#fff' }), stroke: new Stroke({ color: '#0096c8', width: 2 }) }) }),
      ],
    });
    this.draw.on('drawend', (event) => {
      const geometry = event.feature.getGeometry() as Polygon;
      const code = `new-${++this.newCount}`;
      const properties: GridProperties = {
        code,
        regionCode: '',
        name: '',
        kind: 'urban',
        specialType: null,
        households: null,
        // Until its village is known (the live estimate says where its households come from).
        householdsSource: 'stored',
        storedHouseholds: null,
        population: null,
        version: 0,
        validFrom: new Date().toISOString(),
        updatedBy: '', // not saved yet: nobody has written it
      };
      const feature: GridFeatureOL = new Feature(new Polygon(geometry.getCoordinates()));
      feature.setId(code);
      feature.set('grid', properties);
      feature.set('isNew', true);
      this.grids.source.addFeature(feature);
      this.undoStack.push({ label: 'draw', changes: [{ code, before: null, after: clone(polygonsOf(feature)) }] });
      // Back to editing the new grid, selected.
      setTimeout(() => {
        this.onDrawn(code);
        this.emit();
      });
    });
    this.splitLine = new Draw({
      type: 'LineString',
      style: [
        new Style({ stroke: new Stroke({ color: '#d9480f', width: 2.5, lineDash: [8, 5] }) }),
        new Style({ image: new CircleStyle({ radius: 5, fill: new Fill({ color: '#fff' }), stroke: new Stroke({ color: '#d9480f', width: 2 }) }) }),
      ],
    });
    this.splitLine.on('drawend', (event) => {
      const line = (event.feature.getGeometry() as LineString).getCoordinates();
      setTimeout(() => this.onSplitLine(line));
    });
    // The last Snap added sees the pointer first and the first has the last word: a grid or village
    // vertex or edge within reach wins over a road, so shared borders stay shared.
    this.snaps = [new Snap({ source: this.grids.source, pixelTolerance: 8 }), new Snap({ source: this.regions.source, pixelTolerance: 8 })];
    if (lines) {
      this.lineSnap = new Snap({ source: lines, pixelTolerance: 8 });
      this.snaps.push(this.lineSnap);
    }
    this.modify.setActive(false);
    this.draw.setActive(false);
    this.splitLine.setActive(false);
    map.addInteraction(this.modify);
    map.addInteraction(this.draw);
    map.addInteraction(this.splitLine);
    this.placeSnaps();
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  /** Remembers the loaded grids as the state edits are measured from. */
  captureOriginals(): void {
    this.originals.clear();
    this.retired.clear();
    for (const feature of this.grids.all()) {
      this.originals.set(String(feature.getId()), { polygons: clone(polygonsOf(feature)), properties: gridOf(feature) });
      feature.unset('dirty');
    }
    this.undoStack.clear();
    this.updateModifyFeatures();
    this.emit();
  }

  /** Remembers grids just added (another village opened) as they are, keeping every pending edit and the undo history. */
  captureOriginalsOf(features: GridFeatureOL[]): void {
    for (const feature of features) this.originals.set(String(feature.getId()), { polygons: clone(polygonsOf(feature)), properties: gridOf(feature) });
    this.updateModifyFeatures();
    this.emit();
  }

  get editMode(): EditMode {
    return this.mode;
  }

  setMode(mode: EditMode): void {
    if (this.readOnly && mode !== 'select') mode = 'select';
    this.mode = mode;
    this.modify.setActive(mode === 'edit');
    this.draw.setActive(mode === 'draw');
    if (mode !== 'draw') this.draw.abortDrawing();
    this.splitLine.setActive(mode === 'split');
    if (mode !== 'split') this.splitLine.abortDrawing();
    this.placeSnaps();
    this.grids.setShowVertices(mode === 'edit');
    this.map.getTargetElement()?.classList.toggle('drawing', mode === 'draw' || mode === 'split');
    this.emit();
  }

  /** History view: nothing can be edited. */
  setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    if (readOnly) this.setMode('select');
  }

  setSelected(code: string | null): void {
    this.selected = code;
    this.updateModifyFeatures();
  }

  get sharedVertices(): boolean {
    return this.shared;
  }

  setSharedVertices(shared: boolean): void {
    this.shared = shared;
    this.updateModifyFeatures();
    this.emit();
  }

  get snap(): boolean {
    return this.snapping;
  }

  setSnap(snap: boolean): void {
    this.snapping = snap;
    this.placeSnaps();
    this.emit();
  }

  setLineSnapping(on: boolean): void {
    this.lineSnapping = on;
    this.placeSnaps();
  }

  /** Snap must come after Modify and Draw among the map's interactions. */
  private placeSnaps(): void {
    for (const snap of this.snaps) {
      this.map.removeInteraction(snap);
      if (snap === this.lineSnap && !this.lineSnapping) continue;
      if (this.snapping && this.mode !== 'select' && this.mode !== 'merge') this.map.addInteraction(snap);
    }
  }

  private updateModifyFeatures(): void {
    this.modifyFeatures.clear();
    const selected = this.selected ? this.grids.feature(this.selected) : null;
    if (!selected) return;
    this.modifyFeatures.push(selected);
    if (!this.shared) return;
    const extent = bufferExtent(selected.getGeometry()!.getExtent(), 1);
    for (const feature of this.grids.source.getFeaturesInExtent(extent)) {
      if (feature !== selected) this.modifyFeatures.push(feature);
    }
  }

  /** Whether the pointer is within Modify's tolerance of the selected grid's boundary. */
  private nearSelected(event: MapBrowserEvent): boolean {
    const selected = this.selected ? this.grids.feature(this.selected) : null;
    if (!selected) return false;
    const closest = selected.getGeometry()!.getClosestPoint(event.coordinate);
    const resolution = this.map.getView().getResolution() ?? 1;
    return Math.hypot(closest[0] - event.coordinate[0], closest[1] - event.coordinate[1]) / resolution <= 11;
  }

  private refreshDirty(codes: string[]): void {
    for (const code of codes) {
      const feature = this.grids.feature(code);
      const original = this.originals.get(code);
      if (feature && original) feature.set('dirty', !samePolygons(original.polygons, polygonsOf(feature)));
    }
    this.emit();
  }

  private applyEntry(changes: EditChange[], direction: 'undo' | 'redo'): void {
    for (const change of changes) {
      const target = direction === 'undo' ? change.before : change.after;
      const props = direction === 'undo' ? change.propsBefore : change.propsAfter;
      let feature = this.grids.feature(change.code);
      if (target === null) {
        if (feature) {
          if (!feature.get('isNew')) this.retired.set(change.code, feature);
          else this.removedNew.set(change.code, feature);
          this.grids.source.removeFeature(feature);
          if (this.selected === change.code) this.selected = null;
        }
        continue;
      }
      if (!feature) {
        // Redo of a drawn grid: it comes back with the properties it had.
        const removed = this.removedNew.get(change.code) ?? this.retired.get(change.code);
        if (!removed) continue;
        this.retired.delete(change.code);
        feature = removed;
        this.grids.source.addFeature(feature);
      }
      setPolygons(feature, clone(target));
      if (props) feature.set('grid', props);
    }
    this.updateModifyFeatures();
    this.refreshDirty(changes.map((c) => c.code));
  }

  /** Drawn grids removed by undo, kept for redo. */
  private readonly removedNew = new globalThis.Map<string, GridFeatureOL>();

  undo(): void {
    const entry = this.undoStack.undo();
    if (!entry) return;
    for (const change of entry.changes) {
      if (change.before === null) {
        const feature = this.grids.feature(change.code);
        if (feature) this.removedNew.set(change.code, feature);
      }
    }
    this.applyEntry(entry.changes, 'undo');
  }

  redo(): void {
    const entry = this.undoStack.redo();
    if (entry) this.applyEntry(entry.changes, 'redo');
  }

  /** The grids edited or drawn and not yet saved, with their geometry before and after (WGS84). */
  pending(): PendingChange[] {
    const changes: PendingChange[] = [];
    for (const feature of this.grids.all()) {
      const code = String(feature.getId());
      if (feature.get('isNew')) {
        changes.push({ code, isNew: true, properties: gridOf(feature), before: null, after: this.crs.polygonsToData(polygonsOf(feature)) });
      } else if (feature.get('dirty')) {
        const original = this.originals.get(code)!;
        changes.push({
          code,
          isNew: false,
          // The attributes as edited (a split shares the stored households out), at the version loaded.
          properties: { ...gridOf(feature), version: original.properties.version },
          before: this.crs.polygonsToData(original.polygons),
          after: this.crs.polygonsToData(polygonsOf(feature)),
        });
      }
    }
    for (const code of this.retired.keys()) {
      const original = this.originals.get(code);
      if (!original) continue;
      const before = this.crs.polygonsToData(original.polygons);
      changes.push({ code, isNew: false, properties: original.properties, before, after: before, retire: true });
    }
    return changes;
  }

  get hasChanges(): boolean {
    return this.retired.size > 0 || this.grids.all().some((f) => f.get('dirty') || f.get('isNew'));
  }

  /**
   * Cuts the selected grid along `line` (map coordinates): the larger part stays the grid, the
   * other becomes a new grid of the same village, "<name>（拆分）", of the same kind. Answers the
   * new grid's code, or null (nothing changed) when the line does not cross the grid fully.
   */
  split(code: string, line: number[][]): string | null {
    const feature = this.grids.feature(code);
    if (!feature) return null;
    const dataLine = line.map((xy) => this.crs.toLonLat(xy) as [number, number]);
    const parts = splitPolygon(this.crs.polygonsToData(polygonsOf(feature)), dataLine);
    if (!parts) return null;
    const before = clone(polygonsOf(feature));
    const kept = this.crs.polygonalToMap(parts[0]);
    const properties = gridOf(feature);
    // The figures stored with the grid are shared out by area; counted ones are recounted (HouseholdEstimator).
    const areas = [areaOf(parts[0]), areaOf(parts[1])];
    const [keptStored, pieceStored] = apportion(properties.storedHouseholds, areas);
    const [keptPopulation, piecePopulation] = apportion(properties.population, areas);
    const shared = (stored: number | null, population: number | null) => ({
      storedHouseholds: stored,
      households: properties.householdsSource === 'stored' ? stored : properties.households,
      population,
    });
    const keptProperties: GridProperties = { ...properties, ...shared(keptStored, keptPopulation) };
    const newCode = `new-${++this.newCount}`;
    const piece: GridFeatureOL = new Feature(new Polygon(this.crs.polygonalToMap(parts[1])[0]));
    piece.setId(newCode);
    const pieceProperties: GridProperties = {
      ...properties,
      ...shared(pieceStored, piecePopulation),
      code: newCode,
      name: `${properties.name}（拆分）`,
      version: 0,
      validFrom: new Date().toISOString(),
      updatedBy: '', // not saved yet
    };
    piece.set('grid', pieceProperties);
    piece.set('isNew', true);
    setPolygons(feature, kept);
    feature.set('grid', keptProperties);
    this.grids.source.addFeature(piece);
    this.undoStack.push({
      label: 'split',
      changes: [
        { code, before, after: clone(kept), propsBefore: properties, propsAfter: keptProperties },
        { code: newCode, before: null, after: clone(polygonsOf(piece)), propsBefore: pieceProperties, propsAfter: pieceProperties },
      ],
    });
    this.updateModifyFeatures();
    this.refreshDirty([code]);
    return newCode;
  }

  /**
   * Merges grid `other` into `code`: `code` becomes their union, `other` is retired on save.
   * Answers why not when they are in different villages or share no border (nothing changed).
   */
  merge(code: string, other: string): 'ok' | 'otherVillage' | 'notAdjacent' {
    const feature = this.grids.feature(code);
    const otherFeature = this.grids.feature(other);
    if (!feature || !otherFeature) return 'notAdjacent';
    if (gridOf(feature).regionCode !== gridOf(otherFeature).regionCode) return 'otherVillage';
    const union = mergePolygons(this.crs.polygonsToData(polygonsOf(feature)), this.crs.polygonsToData(polygonsOf(otherFeature)));
    if (!union) return 'notAdjacent';
    const before = clone(polygonsOf(feature));
    const otherBefore = clone(polygonsOf(otherFeature));
    const merged = this.crs.polygonalToMap(union);
    const properties = gridOf(feature);
    const otherProperties = gridOf(otherFeature);
    const sum = (a: number | null, b: number | null) => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));
    const mergedProperties: GridProperties = {
      ...properties,
      storedHouseholds: sum(properties.storedHouseholds, otherProperties.storedHouseholds),
      households: sum(properties.households, otherProperties.households),
      population: sum(properties.population, otherProperties.population),
    };
    setPolygons(feature, merged);
    feature.set('grid', mergedProperties);
    if (otherFeature.get('isNew')) this.removedNew.set(other, otherFeature);
    else this.retired.set(other, otherFeature);
    this.grids.source.removeFeature(otherFeature);
    this.undoStack.push({
      label: 'merge',
      changes: [
        { code, before, after: clone(merged), propsBefore: properties, propsAfter: mergedProperties },
        { code: other, before: otherBefore, after: null },
      ],
    });
    this.updateModifyFeatures();
    this.refreshDirty([code]);
    return 'ok';
  }

  /** A merged-away grid was retired on the server. */
  markRetired(code: string): void {
    this.retired.delete(code);
    this.originals.delete(code);
    this.undoStack.forget(new Set([code]));
    this.emit();
  }

  /** A grid's attributes as loaded (or last saved). */
  originalProperties(code: string): GridProperties | null {
    return this.originals.get(code)?.properties ?? null;
  }

  /** The data geometry of a grid as loaded (WGS84). */
  originalData(code: string): Polygonal | null {
    const original = this.originals.get(code);
    return original ? this.crs.polygonsToData(original.polygons) : null;
  }

  /** Puts a grid back as loaded, or replaces it by the server's version (after a 412). */
  resetGrid(code: string, fromServer?: { geometry: Polygonal; properties: GridProperties }): void {
    const retired = this.retired.get(code);
    if (retired) {
      this.retired.delete(code);
      this.grids.source.addFeature(retired);
    }
    const feature = this.grids.feature(code);
    if (fromServer) {
      const fresh = this.grids.toFeature(fromServer.geometry, fromServer.properties);
      if (feature) this.grids.source.removeFeature(feature);
      this.grids.source.addFeature(fresh);
      this.originals.set(code, { polygons: clone(polygonsOf(fresh)), properties: fromServer.properties });
    } else if (feature) {
      const original = this.originals.get(code);
      if (original) {
        setPolygons(feature, clone(original.polygons));
        feature.set('grid', original.properties);
      } else this.grids.source.removeFeature(feature);
    }
    this.undoStack.forget(new Set([code]));
    this.updateModifyFeatures();
    this.refreshDirty([code]);
  }

  /** The server's current state becomes the base of a grid, keeping the edit (after a refused save, or to retry over a 412). */
  updateBase(code: string, properties: GridProperties, geometry: Polygonal): void {
    if (!this.originals.has(code)) return;
    this.originals.set(code, { polygons: this.crs.polygonalToMap(geometry), properties });
    this.refreshDirty([code]);
  }

  /** A grid saved: its saved state becomes the new original. */
  markSaved(code: string, saved: { geometry: Polygonal; properties: GridProperties }, oldCode = code): void {
    const feature = this.grids.feature(oldCode);
    if (feature) this.grids.source.removeFeature(feature);
    const fresh = this.grids.toFeature(saved.geometry, saved.properties);
    this.grids.source.addFeature(fresh);
    this.originals.set(saved.properties.code, { polygons: clone(polygonsOf(fresh)), properties: saved.properties });
    this.undoStack.forget(new Set([oldCode, saved.properties.code]));
    if (this.selected === oldCode) this.selected = saved.properties.code;
    this.updateModifyFeatures();
    this.emit();
  }

  /**
   * Drops every unsaved edit, as one step that undo brings back: drawn grids go, edited ones
   * return to their loaded shape and attributes, merged-away ones come back.
   */
  discardAll(): void {
    const changes: EditChange[] = [];
    for (const feature of this.grids.all()) {
      const code = String(feature.getId());
      const now = clone(polygonsOf(feature));
      if (feature.get('isNew')) changes.push({ code, before: now, after: null, propsBefore: gridOf(feature), propsAfter: gridOf(feature) });
      else if (feature.get('dirty')) {
        const original = this.originals.get(code)!;
        changes.push({ code, before: now, after: clone(original.polygons), propsBefore: gridOf(feature), propsAfter: original.properties });
      }
    }
    for (const [code, feature] of this.retired) {
      const original = this.originals.get(code);
      if (original) changes.push({ code, before: null, after: clone(original.polygons), propsBefore: gridOf(feature), propsAfter: original.properties });
    }
    if (changes.length === 0) return;
    this.undoStack.push({ label: 'discard', changes });
    this.applyEntry(changes, 'redo');
  }

  /** Tells listeners that a drawn grid's properties changed (they are part of the pending save). */
  touched(): void {
    this.emit();
  }

  abortDrawing(): void {
    this.draw.abortDrawing();
    this.splitLine.abortDrawing();
  }
}
