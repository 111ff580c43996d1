/**
 * The client's colours (client/src/palette.ts) as people with colour-vision deficiencies see
 * them: each colour is run through the Machado, Oliveira & Fernandes (2009) simulation matrices
 * at full severity (protanopia, deuteranopia, tritanopia; applied to linear RGB), and the classes
 * of each meaning must stay at least ΔE 20 apart (CIE 1976 L*a*b*, D65) — clearly different
 * at a glance — with normal vision and each deficiency. Lights and the heatmap are shown
 * together, so no light may come near a heat colour either; lights have shapes as well.
 */
import { describe, expect, it } from 'vitest';
import { COVERAGE_STOPS, HEAT_GRADIENT, HOUSEHOLD_COLOURS, LIGHT_HEX, LIGHT_SHAPES, type RGB } from '../../client/src/palette.js';

const MACHADO: Record<string, number[][]> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};
const VISIONS = ['normal', ...Object.keys(MACHADO)];

const toLinear = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toSrgb = (c: number) => 255 * (Math.max(0, Math.min(1, c)) <= 0.0031308 ? 12.92 * Math.max(0, c) : 1.055 * Math.min(1, c) ** (1 / 2.4) - 0.055);

function simulate(rgb: RGB, vision: string): RGB {
  if (vision === 'normal') return rgb;
  const m = MACHADO[vision];
  const l = rgb.map(toLinear);
  return m.map((row) => toSrgb(row[0] * l[0] + row[1] * l[1] + row[2] * l[2])) as RGB;
}

function lab(rgb: RGB): [number, number, number] {
  const [r, g, b] = rgb.map(toLinear);
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

const deltaE = (a: RGB, b: RGB) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]));
const fromHex = (h: string): RGB => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as RGB;

/** The smallest ΔE between two colours of `a` (or between `a` and `b`) as `vision` sees them. */
function closest(vision: string, a: RGB[], b?: RGB[]): number {
  let min = Infinity;
  const sa = a.map((c) => simulate(c, vision));
  const sb = b?.map((c) => simulate(c, vision));
  for (let i = 0; i < sa.length; i++) {
    for (const other of sb ?? sa.slice(i + 1)) min = Math.min(min, deltaE(sa[i], other));
  }
  return min;
}

describe('colours that carry a meaning', () => {
  const lights = Object.values(LIGHT_HEX).map(fromHex);
  const households = Object.values(HOUSEHOLD_COLOURS);
  const heat = HEAT_GRADIENT.slice(1).map(fromHex);

  it.each(VISIONS)('keeps lights, household classes and coverage ends apart with %s vision', (vision) => {
    expect(closest(vision, lights)).toBeGreaterThanOrEqual(20);
    expect(closest(vision, households)).toBeGreaterThanOrEqual(20);
    expect(closest(vision, [COVERAGE_STOPS[0], COVERAGE_STOPS[2]])).toBeGreaterThanOrEqual(20);
  });

  it.each(VISIONS)('never lets a light look like the heat under it with %s vision', (vision) => {
    expect(closest(vision, lights, heat)).toBeGreaterThanOrEqual(20);
  });

  it('gives each light its own shape, and each meaning its own hue family', () => {
    expect(new Set(Object.values(LIGHT_SHAPES)).size).toBe(3);
    const hue = ([r, g, b]: RGB) => {
      const [, a, bb] = lab([r, g, b]);
      return (Math.atan2(bb, a) * 180) / Math.PI;
    };
    // Households are blue (hue around −60° in Lab), heat purple (around −40°…−20° with far more red), coverage grey (no chroma).
    for (const c of households) expect(hue(c)).toBeLessThan(-40);
    for (const c of COVERAGE_STOPS) expect(Math.hypot(lab(c)[1], lab(c)[2])).toBeLessThan(2);
    for (const c of heat) expect(lab(c)[1]).toBeGreaterThan(10);
  });
});
