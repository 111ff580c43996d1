/**
 * A small map for phones: SVG, no tiles and no library, so that it loads at once on a slow
 * connection (the phone pages' whole script is a few dozen kB). It draws GeoJSON in Web
 * Mercator — polygons, lines, points with labels — pans with a finger or the mouse, zooms with
 * two fingers, the wheel or its buttons, and reports a tap as [lon, lat] (WGS84).
 *
 * Options (constructor):
 * - `onTap(lon, lat)`: called for a tap that did not pan;
 * - `minZoomM`: the smallest width, in metres, the view may show (default 50).
 */
import type { Geometry, Position } from 'geojson';

export interface LiteStyle {
  stroke?: string;
  fill?: string;
  width?: number;
  /** Points: radius in px. */
  radius?: number;
  dash?: string;
  label?: string;
  /** A class for tests and CSS. */
  className?: string;
}

export interface LiteFeature {
  geometry: Geometry;
  style: LiteStyle;
  /** Called when this feature (a point) is tapped. */
  onTap?: () => void;
}

export interface LiteMapOptions {
  onTap?: (lon: number, lat: number) => void;
  minZoomM?: number;
}

const R = 6_378_137;
const SVG = 'http://www.w3.org/2000/svg';

function project([lon, lat]: Position): [number, number] {
  const x = (R * lon! * Math.PI) / 180;
  const y = R * Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat!)) * Math.PI) / 360));
  return [x, y];
}

function unproject(x: number, y: number): [number, number] {
  return [(x / R) * (180 / Math.PI), (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI)];
}

function positionsOf(geometry: Geometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    case 'GeometryCollection':
      return geometry.geometries.flatMap(positionsOf);
  }
}

export class LiteMap {
  readonly element: SVGSVGElement;
  private readonly layers = new Map<string, LiteFeature[]>();
  private readonly order: string[] = [];
  /** View centre in Mercator metres, and metres per pixel. */
  private center: [number, number] = project([116.4, 39.9]);
  private resolution = 50;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private moved = 0;
  private pinch: { distance: number; resolution: number } | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: LiteMapOptions = {},
  ) {
    this.element = document.createElementNS(SVG, 'svg');
    this.element.setAttribute('class', 'lite-map-svg');
    this.element.setAttribute('role', 'img');
    container.classList.add('lite-map');
    container.append(this.element);
    const zoom = document.createElement('div');
    zoom.className = 'lite-map-zoom';
    for (const [label, factor] of [
      ['+', 0.5],
      ['−', 2],
    ] as const) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = label;
      button.setAttribute('aria-label', factor < 1 ? '放大' : '缩小');
      button.addEventListener('click', () => this.zoomBy(factor));
      zoom.append(button);
    }
    container.append(zoom);
    this.element.addEventListener('pointerdown', (e) => this.down(e));
    this.element.addEventListener('pointermove', (e) => this.move(e));
    this.element.addEventListener('pointerup', (e) => this.up(e));
    this.element.addEventListener('pointercancel', (e) => this.pointers.delete(e.pointerId));
    this.element.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.zoomBy(e.deltaY > 0 ? 1.25 : 0.8);
    }, { passive: false });
    new ResizeObserver(() => this.render()).observe(container);
  }

  /** Replaces a layer's features (layers draw in the order first set). */
  setLayer(name: string, features: LiteFeature[]): void {
    if (!this.layers.has(name)) this.order.push(name);
    this.layers.set(name, features);
    this.render();
  }

  /** Shows every feature of these layers (or all), with a margin. */
  fit(names: string[] = this.order, minWidthM = 300): void {
    const points = names.flatMap((name) => (this.layers.get(name) ?? []).flatMap((f) => positionsOf(f.geometry))).map(project);
    if (points.length === 0) return;
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    this.center = [(minX + maxX) / 2, (minY + maxY) / 2];
    const { width, height } = this.size();
    this.resolution = Math.max((maxX - minX + 40) / width, (maxY - minY + 40) / height, minWidthM / width) * 1.1;
    this.render();
  }

  centerOn(lon: number, lat: number, widthM?: number): void {
    this.center = project([lon, lat]);
    if (widthM) this.resolution = widthM / this.size().width;
    this.render();
  }

  zoomBy(factor: number): void {
    const minResolution = (this.options.minZoomM ?? 50) / this.size().width;
    this.resolution = Math.max(minResolution, Math.min(20_000, this.resolution * factor));
    this.render();
  }

  /** The view's corners [minLon, minLat, maxLon, maxLat]. */
  bbox(): [number, number, number, number] {
    const { width, height } = this.size();
    const [a, b] = unproject(this.center[0] - (width / 2) * this.resolution, this.center[1] - (height / 2) * this.resolution);
    const [c, d] = unproject(this.center[0] + (width / 2) * this.resolution, this.center[1] + (height / 2) * this.resolution);
    return [a, b, c, d];
  }

  private size(): { width: number; height: number } {
    return { width: this.container.clientWidth || 360, height: this.container.clientHeight || 300 };
  }

  private toScreen(position: Position): [number, number] {
    const [x, y] = project(position);
    const { width, height } = this.size();
    return [width / 2 + (x - this.center[0]) / this.resolution, height / 2 - (y - this.center[1]) / this.resolution];
  }

  private toLonLat(sx: number, sy: number): [number, number] {
    const { width, height } = this.size();
    return unproject(this.center[0] + (sx - width / 2) * this.resolution, this.center[1] - (sy - height / 2) * this.resolution);
  }

  private path(rings: Position[][], close: boolean): string {
    return rings
      .map((ring) => ring.map((p, i) => `${i === 0 ? 'M' : 'L'}${this.toScreen(p).map((v) => v.toFixed(1)).join(' ')}`).join('') + (close ? 'Z' : ''))
      .join('');
  }

  private render(): void {
    const { width, height } = this.size();
    this.element.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.element.setAttribute('width', String(width));
    this.element.setAttribute('height', String(height));
    const shapes: SVGElement[] = [];
    const labels: SVGElement[] = [];
    for (const name of this.order) {
      for (const feature of this.layers.get(name) ?? []) this.draw(feature, shapes, labels);
    }
    this.element.replaceChildren(...shapes, ...labels);
  }

  private draw(feature: LiteFeature, shapes: SVGElement[], labels: SVGElement[]): void {
    const { geometry: g, style } = feature;
    const apply = (el: SVGElement) => {
      el.setAttribute('stroke', style.stroke ?? 'none');
      el.setAttribute('fill', style.fill ?? 'none');
      el.setAttribute('stroke-width', String(style.width ?? 1));
      if (style.dash) el.setAttribute('stroke-dasharray', style.dash);
      if (style.className) el.setAttribute('class', style.className);
      el.setAttribute('stroke-linejoin', 'round');
      el.setAttribute('stroke-linecap', 'round');
      if (feature.onTap) {
        el.addEventListener('click', (e) => {
          e.stopPropagation();
          feature.onTap!();
        });
        el.style.cursor = 'pointer';
      }
      shapes.push(el);
    };
    const label = (at: Position) => {
      if (!style.label) return;
      const [x, y] = this.toScreen(at);
      const text = document.createElementNS(SVG, 'text');
      text.setAttribute('x', x.toFixed(1));
      text.setAttribute('y', y.toFixed(1));
      text.setAttribute('class', 'lite-label');
      text.textContent = style.label;
      labels.push(text);
    };
    if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
      const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      const el = document.createElementNS(SVG, 'path');
      el.setAttribute('d', polygons.map((rings) => this.path(rings, true)).join(''));
      el.setAttribute('fill-rule', 'evenodd');
      apply(el);
      const all = polygons.flat(2);
      label([all.reduce((s, p) => s + p[0]!, 0) / all.length, all.reduce((s, p) => s + p[1]!, 0) / all.length]);
    } else if (g.type === 'LineString' || g.type === 'MultiLineString') {
      const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
      const el = document.createElementNS(SVG, 'path');
      el.setAttribute('d', this.path(lines, false));
      apply(el);
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), lines[0] ?? []);
      if (longest.length > 0) label(longest[Math.floor(longest.length / 2)]!);
    } else if (g.type === 'Point') {
      const [x, y] = this.toScreen(g.coordinates);
      const el = document.createElementNS(SVG, 'circle');
      el.setAttribute('cx', x.toFixed(1));
      el.setAttribute('cy', y.toFixed(1));
      el.setAttribute('r', String(style.radius ?? 6));
      apply(el);
      label(g.coordinates);
    }
  }

  private down(e: PointerEvent): void {
    this.element.setPointerCapture(e.pointerId);
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    this.moved = 0;
    if (this.pointers.size === 2) {
      const [a, b] = [...this.pointers.values()];
      this.pinch = { distance: Math.hypot(a!.x - b!.x, a!.y - b!.y), resolution: this.resolution };
    }
  }

  private move(e: PointerEvent): void {
    const last = this.pointers.get(e.pointerId);
    if (!last) return;
    const dx = e.clientX - last.x;
    const dy = e.clientY - last.y;
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    this.moved += Math.abs(dx) + Math.abs(dy);
    if (this.pointers.size === 2 && this.pinch) {
      const [a, b] = [...this.pointers.values()];
      const distance = Math.hypot(a!.x - b!.x, a!.y - b!.y);
      if (distance > 0) this.resolution = this.pinch.resolution * (this.pinch.distance / distance);
    } else if (this.pointers.size === 1) {
      this.center = [this.center[0] - dx * this.resolution, this.center[1] + dy * this.resolution];
    }
    this.render();
  }

  private up(e: PointerEvent): void {
    const wasTap = this.pointers.size === 1 && this.moved < 8;
    this.pointers.delete(e.pointerId);
    if (this.pointers.size < 2) this.pinch = undefined;
    if (wasTap && this.options.onTap && !(e.target instanceof SVGElement && e.target !== this.element && (e.target as SVGElement).style.cursor === 'pointer')) {
      const rect = this.element.getBoundingClientRect();
      const [lon, lat] = this.toLonLat(e.clientX - rect.left, e.clientY - rect.top);
      this.options.onTap(lon, lat);
    }
  }
}
