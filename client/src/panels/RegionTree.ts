/**
 * The administrative tree, county → township → village/community → grids, loaded level by level
 * from /api/regions (?parent=). Clicking a region zooms to it and highlights it; clicking a grid
 * selects it. Regions read on the way are handed to the region layer (they come with geometry).
 */
import { el, clear } from './dom';
import { onLangChange, t, type Key } from '../i18n';
import type { Api, RegionFeature, RegionProperties } from '../api';

interface Node {
  region: RegionProperties;
  children: Node[] | null;
  expanded: boolean;
  loading: boolean;
}

export interface TreeGrid {
  code: string;
  name: string;
  dirty: boolean;
}

export interface RegionTreeHooks {
  regionLoaded(region: RegionFeature): void;
  regionClicked(code: string): void;
  gridClicked(code: string): void;
  gridsOf(regionCode: string): TreeGrid[];
}

export class RegionTree {
  private roots: Node[] = [];
  private readonly nodes = new Map<string, Node>();
  private selectedRegion: string | null = null;
  private selectedGrid: string | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: Api,
    private readonly hooks: RegionTreeHooks,
  ) {
    onLangChange(() => this.render());
  }

  async load(): Promise<void> {
    this.root.textContent = t('tree.loading');
    const answer = await this.api.regions();
    for (const feature of answer.features) this.hooks.regionLoaded(feature);
    this.roots = answer.features.map((f) => this.node(f.properties));
    // Open the first level so the tree says something at once.
    if (this.roots.length === 1) await this.expand(this.roots[0], true);
    this.render();
  }

  private node(region: RegionProperties): Node {
    const node: Node = { region, children: null, expanded: false, loading: false };
    this.nodes.set(region.code, node);
    return node;
  }

  private async expand(node: Node, open: boolean): Promise<void> {
    node.expanded = open;
    if (open && node.children === null && node.region.level !== 'village') {
      node.loading = true;
      this.render();
      try {
        const answer = await this.api.regions(node.region.code);
        for (const feature of answer.features) this.hooks.regionLoaded(feature);
        node.children = answer.features.map((f) => this.node(f.properties));
      } finally {
        node.loading = false;
      }
    }
    this.render();
  }

  /** Opens the tree down to a region or a grid's village and marks it. */
  async reveal(code: string): Promise<void> {
    const isGrid = code.length === 15;
    const village = code.slice(0, 12);
    const chain = [`${village.slice(0, 6)}000000`, `${village.slice(0, 9)}000`, village];
    for (const ancestor of chain) {
      const node = this.nodes.get(ancestor);
      if (node && (ancestor !== village || isGrid) && !node.expanded) await this.expand(node, true);
    }
    this.selectedGrid = isGrid ? code : null;
    this.selectedRegion = isGrid ? null : code;
    this.render();
    this.root.querySelector('.tree-item.selected')?.scrollIntoView({ block: 'nearest' });
  }

  select(code: string | null): void {
    this.selectedGrid = code && code.length === 15 ? code : null;
    this.selectedRegion = code && code.length === 12 ? code : null;
    this.render();
  }

  render(): void {
    clear(this.root);
    if (this.roots.length === 0) {
      this.root.append(el('div', { className: 'muted', text: t('tree.empty') }));
      return;
    }
    this.root.append(this.list(this.roots, 0));
  }

  private list(nodes: Node[], depth: number): HTMLElement {
    const ul = el('ul', { className: 'tree-list', role: depth === 0 ? 'tree' : 'group' });
    for (const node of nodes) ul.append(this.item(node, depth));
    return ul;
  }

  private item(node: Node, depth: number): HTMLElement {
    const { region } = node;
    const grids = region.level === 'village' ? this.hooks.gridsOf(region.code) : [];
    const expandable = region.level !== 'village' || grids.length > 0;
    const li = el('li', { role: 'treeitem', 'aria-expanded': expandable ? String(node.expanded) : false });
    const row = el(
      'div',
      {
        className: `tree-item${this.selectedRegion === region.code ? ' selected' : ''}`,
        style: `padding-left:${depth * 14 + 4}px`,
        'data-region': region.code,
        title: region.code,
      },
      el('button', {
        type: 'button',
        className: `twisty${expandable ? '' : ' leaf'}`,
        text: node.loading ? '…' : expandable ? (node.expanded ? '▾' : '▸') : '·',
        onclick: (e) => {
          e.stopPropagation();
          if (expandable) void this.expand(node, !node.expanded);
        },
      }),
      el('span', { className: `level level-${region.level}`, text: t(`level.${region.level}` as Key) }),
      el('span', { className: 'tree-name', text: region.name }),
      grids.length > 0 ? el('span', { className: 'tree-count', text: String(grids.length) }) : null,
    );
    row.addEventListener('click', () => {
      this.selectedRegion = region.code;
      this.selectedGrid = null;
      this.hooks.regionClicked(region.code);
      if (expandable && !node.expanded) void this.expand(node, true);
      else this.render();
    });
    li.append(row);
    if (node.expanded) {
      if (region.level === 'village') {
        const ul = el('ul', { className: 'tree-list', role: 'group' });
        for (const grid of grids) {
          ul.append(
            el(
              'li',
              { role: 'treeitem' },
              el(
                'div',
                {
                  className: `tree-item grid${this.selectedGrid === grid.code ? ' selected' : ''}${grid.dirty ? ' dirty' : ''}`,
                  style: `padding-left:${(depth + 1) * 14 + 4}px`,
                  'data-grid': grid.code,
                  title: grid.code,
                  onclick: () => {
                    this.selectedGrid = grid.code;
                    this.selectedRegion = null;
                    this.hooks.gridClicked(grid.code);
                    this.render();
                  },
                },
                el('span', { className: 'twisty leaf', text: '▫' }),
                el('span', { className: 'tree-name', text: grid.name || grid.code }),
                el('span', { className: 'tree-code', text: grid.code.slice(12) }),
              ),
            ),
          );
        }
        li.append(ul);
      } else if (node.children) {
        li.append(node.children.length > 0 ? this.list(node.children, depth + 1) : el('div', { className: 'muted', style: `padding-left:${(depth + 1) * 14 + 22}px`, text: t('tree.empty') }));
      }
    }
    return li;
  }
}
