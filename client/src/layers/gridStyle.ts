/**
 * How a grid is drawn, whether it comes as GeoJSON (GridLayer) or from a vector tile (GridTiles):
 * filled by kind or by fullness against 300–500 households, outlined by state (selected, edited),
 * labelled with name and code (decluttered: labels that collide are left out).
 */
import { Fill, Stroke, Style, Text } from 'ol/style';
import type { GridProperties } from '../api';
import { EDITED_COLOUR, fullness, gridColour, rgba, type ColourMode } from '../model';

/** What drawing needs of a grid: what a grid tile carries (code, name, kind, households, regionCode). */
export type GridLook = Pick<GridProperties, 'code' | 'name' | 'kind' | 'households' | 'regionCode'>;

export interface GridLookState {
  selected: boolean;
  edited: boolean;
  mode: ColourMode;
  /** Map resolution (m/px): labels only when zoomed in enough. */
  resolution: number;
  /** The name of a village, to shorten grid names in labels. */
  regionName: ((code: string) => string | undefined) | null;
}

const LABEL_FONT = '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",system-ui,sans-serif';

export function gridStyles(grid: GridLook, state: GridLookState): Style[] {
  const { selected, edited, resolution } = state;
  const colour = gridColour(grid, state.mode);
  // Without a household figure there is nothing to colour by: an outline only (palette.ts).
  const unfilled = state.mode === 'outline' || (state.mode === 'fullness' && fullness(grid) === 'none');
  const styles: Style[] = [
    new Style({
      fill: new Fill({ color: unfilled ? 'rgba(255,255,255,0.01)' : rgba(colour, selected ? 0.7 : 0.55) }),
      stroke: new Stroke({ color: rgba(colour, 0.95), width: state.mode === 'outline' ? 1.2 : 1.5, lineDash: unfilled && state.mode !== 'outline' ? [6, 4] : undefined }),
      zIndex: selected ? 2 : edited ? 1 : 0,
    }),
  ];
  if (edited) {
    styles.push(new Style({ stroke: new Stroke({ color: 'rgba(255,255,255,0.9)', width: 4.5 }), zIndex: 3 }));
    styles.push(new Style({ stroke: new Stroke({ color: rgba(EDITED_COLOUR, 1), width: 2.5, lineDash: [8, 5] }), zIndex: 3 }));
  }
  // Labels: name and code, decluttered (a label that collides with another is left out).
  // Zoomed out, the name drops its village's part (东街示范社区一第1网格 → 第1网格).
  if (resolution < 6) {
    const name = resolution > 1.2 && state.regionName ? shorten(grid.name, state.regionName(grid.regionCode)) : grid.name;
    const code = grid.code.startsWith('new') ? '' : grid.code;
    styles.push(
      new Style({
        text: new Text({
          text: [name, code].filter(Boolean).join('\n'),
          font: `${selected ? '600 ' : ''}12px ${LABEL_FONT}`,
          fill: new Fill({ color: '#1b2631' }),
          stroke: new Stroke({ color: 'rgba(255,255,255,0.92)', width: 3 }),
          overflow: true,
          padding: [2, 4, 2, 4],
        }),
        zIndex: selected ? 10 : 6,
      }),
    );
  }
  return styles;
}

function shorten(name: string, village: string | undefined): string {
  return village && name.startsWith(village) && name.length > village.length ? name.slice(village.length) : name;
}
