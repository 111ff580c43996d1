/**
 * The command centre's map layers: the incident heatmap (ol/layer/Heatmap), incidents as points
 * in their deadline light, cameras with their field-of-view sectors, grids shaded by camera
 * coverage, and the blind spots of one grid (hatched red). All hidden outside the command view.
 */
import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import Polygon from 'ol/geom/Polygon';
import MultiPolygon from 'ol/geom/MultiPolygon';
import HeatmapLayer from 'ol/layer/Heatmap';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { Device, HeatmapAnswer, Incident, Light, Polygonal } from '../api';
import type { MapCrs } from '../map/crs';
import { coverageColour, HEAT_GRADIENT, LIGHT_HEX, LIGHT_SHAPES } from '../palette';

/** A light as a symbol: colour and shape (circle · square · triangle) both say it. */
export function lightSymbol(light: Light, radius: number, strokeColour = '#fff', strokeWidth = 2): CircleStyle | RegularShape {
  const fill = new Fill({ color: LIGHT_COLOURS[light] ?? '#868e96' });
  const stroke = new Stroke({ color: strokeColour, width: strokeWidth });
  switch (LIGHT_SHAPES[light]) {
    case 'square':
      return new RegularShape({ points: 4, radius: radius * 1.15, angle: Math.PI / 4, fill, stroke });
    case 'triangle':
      return new RegularShape({ points: 3, radius: radius * 1.35, angle: 0, fill, stroke });
    default:
      return new CircleStyle({ radius, fill, stroke });
  }
}

export const LIGHT_COLOURS: Record<Light, string> = LIGHT_HEX;
export { coverageColour };

function hatch(): CanvasPattern | string {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 10;
  const ctx = canvas.getContext('2d');
  if (!ctx) return 'rgba(37,37,37,0.3)';
  // Blind spots: hatched dark grey, the dark end of the coverage ramp (palette.ts).
  ctx.fillStyle = 'rgba(37,37,37,0.10)';
  ctx.fillRect(0, 0, 10, 10);
  ctx.strokeStyle = 'rgba(37,37,37,0.85)';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(0, 10);
  ctx.lineTo(10, 0);
  ctx.moveTo(-5, 5);
  ctx.lineTo(5, -5);
  ctx.moveTo(5, 15);
  ctx.lineTo(15, 5);
  ctx.stroke();
  return ctx.createPattern(canvas, 'repeat') ?? 'rgba(37,37,37,0.3)';
}

export class CommandLayers {
  readonly heatSource = new VectorSource<Feature<Point>>();
  readonly heatmap = new HeatmapLayer({
    source: this.heatSource,
    weight: (feature) => Number(feature.get('weight')) || 0,
    radius: 18,
    blur: 24,
    opacity: 0.8,
    gradient: HEAT_GRADIENT,
    properties: { name: 'heatmap' },
    zIndex: 30,
  });

  readonly incidentSource = new VectorSource<Feature<Point>>();
  readonly incidents = new VectorLayer({
    source: this.incidentSource,
    style: (feature) => this.incidentStyle(feature),
    properties: { name: 'incidents' },
    zIndex: 60,
  });

  readonly cameraSource = new VectorSource();
  readonly cameras = new VectorLayer({
    source: this.cameraSource,
    style: (feature) => this.cameraStyle(feature),
    properties: { name: 'cameras' },
    zIndex: 40,
  });

  readonly coverageSource = new VectorSource();
  readonly coverage = new VectorLayer({
    source: this.coverageSource,
    style: (feature) =>
      new Style({ fill: new Fill({ color: coverageColour(Number(feature.get('share')), 0.45) }), stroke: new Stroke({ color: coverageColour(Number(feature.get('share')), 0.9), width: 1.5 }) }),
    properties: { name: 'coverage' },
    zIndex: 25,
  });

  readonly blindSource = new VectorSource();
  private readonly blindStyle = new Style({ fill: new Fill({ color: hatch() }), stroke: new Stroke({ color: '#252525', width: 2 }) });
  readonly blind = new VectorLayer({ source: this.blindSource, style: this.blindStyle, properties: { name: 'blindSpots' }, zIndex: 35 });

  selectedIncident: number | null = null;
  private readonly styles = new Map<string, Style[]>();

  constructor(private readonly crs: MapCrs) {
    this.setVisible(false);
  }

  get all() {
    return [this.coverage, this.heatmap, this.blind, this.cameras, this.incidents];
  }

  setVisible(visible: boolean): void {
    for (const layer of this.all) layer.setVisible(visible);
  }

  showHeatmap(answer: HeatmapAnswer): void {
    this.heatSource.clear(true);
    this.heatSource.addFeatures(answer.points.map((p) => new Feature({ geometry: new Point(this.crs.toMap([p.lon, p.lat])), weight: p.weight, count: p.count })));
  }

  showIncidents(incidents: Incident[]): void {
    this.incidentSource.clear(true);
    this.incidentSource.addFeatures(incidents.map((incident) => this.incidentFeature(incident)));
  }

  /** Adds or updates one incident; answers whether it was new. */
  upsertIncident(incident: Incident): boolean {
    const existing = this.incidentSource.getFeatureById(incident.id) as Feature<Point> | null;
    if (existing) {
      existing.set('incident', incident);
      existing.setGeometry(new Point(this.crs.toMap([incident.lon, incident.lat])));
      return false;
    }
    this.incidentSource.addFeature(this.incidentFeature(incident));
    return true;
  }

  private incidentFeature(incident: Incident): Feature<Point> {
    const feature = new Feature({ geometry: new Point(this.crs.toMap([incident.lon, incident.lat])), incident });
    feature.setId(incident.id);
    return feature;
  }

  setSelectedIncident(id: number | null): void {
    this.selectedIncident = id;
    this.incidents.changed();
  }

  private incidentStyle(feature: FeatureLike): Style[] {
    const incident = feature.get('incident') as Incident;
    const selected = incident.id === this.selectedIncident;
    const key = `${incident.light}:${selected}`;
    let style = this.styles.get(key);
    if (!style) {
      style = [new Style({ image: lightSymbol(incident.light, selected ? 10 : 8, selected ? '#111' : '#fff', selected ? 3 : 2), zIndex: incident.light === 'red' ? 3 : incident.light === 'yellow' ? 2 : 1 })];
      this.styles.set(key, style);
    }
    return style;
  }

  showCameras(devices: Device[]): void {
    this.cameraSource.clear(true);
    const features: Feature[] = [];
    for (const device of devices) {
      if (device.sector) features.push(new Feature({ geometry: new Polygon(device.sector.coordinates.map((ring) => ring.map((p) => this.crs.toMap(p)))), kind: 'sector', device }));
      features.push(new Feature({ geometry: new Point(this.crs.toMap([device.lon, device.lat])), kind: 'camera', device }));
    }
    this.cameraSource.addFeatures(features);
  }

  private readonly sectorStyle = new Style({ fill: new Fill({ color: 'rgba(0,140,255,0.18)' }), stroke: new Stroke({ color: 'rgba(0,110,220,0.75)', width: 1 }) });
  private readonly cameraPointStyle = new Style({
    image: new RegularShape({ points: 4, radius: 6, angle: Math.PI / 4, fill: new Fill({ color: '#0b6bcb' }), stroke: new Stroke({ color: '#fff', width: 1.5 }) }),
  });

  private cameraStyle(feature: FeatureLike): Style {
    return feature.get('kind') === 'sector' ? this.sectorStyle : this.cameraPointStyle;
  }

  showCoverage(grids: { geometry: Polygon | MultiPolygon; share: number; code: string }[]): void {
    this.coverageSource.clear(true);
    this.coverageSource.addFeatures(grids.map((g) => new Feature({ geometry: g.geometry, share: g.share, code: g.code })));
  }

  showBlindSpots(blind: Polygonal | null | undefined): void {
    this.blindSource.clear(true);
    if (!blind) return;
    const polygons = this.crs.polygonalToMap(blind);
    if (polygons.length) this.blindSource.addFeature(new Feature({ geometry: new MultiPolygon(polygons) }));
  }
}
