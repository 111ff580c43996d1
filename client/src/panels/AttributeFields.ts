/**
 * A grid's attributes as form fields — name, kind, special type (shown for special grids only),
 * households, population — checked as the server checks them (server/geo/features.ts), with each
 * problem shown under its field, so that an invalid value is never sent. Used for a drawn grid's
 * properties and to edit a stored grid's.
 *
 * The fields keep their element across the panel's re-renders (the panel re-attaches it), so a
 * value being typed is never lost; the labels are rebuilt when the language changes.
 */
import { el } from './dom';
import { lang, t, type Key, type Lang } from '../i18n';
import type { GridKind, GridProperties } from '../api';

export type Attributes = Pick<GridProperties, 'name' | 'kind' | 'specialType' | 'households' | 'population'>;
export const ATTRIBUTE_KEYS = ['name', 'kind', 'specialType', 'households', 'population'] as const;

/** The server's bounds (server/geo/features.ts). */
const MAX_NAME_LENGTH = 100;
const MAX_COUNT = { households: 100_000, population: 1_000_000 } as const;
export const SPECIAL_TYPES = ['school', 'hospital', 'market', 'park', 'scenic', 'industrial', 'other'];
const KINDS: GridKind[] = ['urban', 'rural', 'special'];

/** Basic grids (urban, rural) and special ones are numbered apart: a stored grid cannot cross over. */
const numberClass = (kind: GridKind) => (kind === 'special' ? 'special' : 'basic');

/** "Field: mine → theirs" lines for the attributes that differ (a conflict's summary). */
export function attributeDiffs(mine: Attributes, theirs: Attributes): string[] {
  return ATTRIBUTE_KEYS.filter((key) => mine[key] !== theirs[key]).map((key) => `${t(`grid.${key}` as Key)}: ${mine[key] ?? '—'} → ${theirs[key] ?? '—'}`);
}

export function sameAttributes(a: Attributes, b: Attributes): boolean {
  return ATTRIBUTE_KEYS.every((key) => a[key] === b[key]);
}

export class AttributeFields {
  readonly values: Attributes;
  /** Counts as typed ('' = unknown), so that "12.5" or "-3" can be shown as a problem. */
  private readonly raw: Record<'households' | 'population', string>;
  private root: HTMLElement | null = null;
  private builtFor: Lang | null = null;
  private readonly messages = new Map<keyof Attributes, HTMLElement>();
  private specialField: HTMLElement | null = null;

  /**
   * @param storedKind the kind a stored grid has (its number fixes basic vs special); none for a drawn grid
   * @param changed called with the values after every valid change
   */
  constructor(
    initial: Attributes,
    private readonly options: { storedKind?: GridKind; changed?: (values: Attributes) => void } = {},
  ) {
    this.values = { ...initial };
    this.raw = { households: initial.households === null ? '' : String(initial.households), population: initial.population === null ? '' : String(initial.population) };
  }

  /** The fields' element, built again if the language changed. */
  get element(): HTMLElement {
    if (!this.root || this.builtFor !== lang()) this.build();
    return this.root!;
  }

  /** Each field's problem (a translated message), none when the values can be sent. */
  problems(): Partial<Record<keyof Attributes, string>> {
    const problems: Partial<Record<keyof Attributes, string>> = {};
    const name = this.values.name.trim();
    if (name === '' || name.length > MAX_NAME_LENGTH) problems.name = t('attr.error.name', { max: MAX_NAME_LENGTH });
    const stored = this.options.storedKind;
    if (stored && numberClass(stored) !== numberClass(this.values.kind)) problems.kind = t('attr.error.kindClass');
    for (const key of ['households', 'population'] as const) {
      const raw = this.raw[key].trim();
      if (raw !== '' && !(/^\d+$/.test(raw) && Number(raw) <= MAX_COUNT[key])) problems[key] = t('attr.error.count', { max: MAX_COUNT[key] });
    }
    return problems;
  }

  /** Shows every problem beside its field; true when there is none. */
  check(): boolean {
    const problems = this.problems();
    for (const [key, message] of this.messages) {
      message.textContent = problems[key] ?? '';
      message.hidden = !problems[key];
      message.previousElementSibling?.toggleAttribute('aria-invalid', Boolean(problems[key]));
    }
    return Object.keys(problems).length === 0;
  }

  private input(key: keyof Attributes, value: string): void {
    if (key === 'households' || key === 'population') {
      this.raw[key] = value;
      const trimmed = value.trim();
      if (trimmed === '') this.values[key] = null;
      else if (/^\d+$/.test(trimmed)) this.values[key] = Number(trimmed);
    } else if (key === 'kind') {
      this.values.kind = value as GridKind;
      this.values.specialType = this.values.kind === 'special' ? (this.values.specialType ?? 'other') : null;
      if (this.specialField) this.specialField.hidden = this.values.kind !== 'special';
    } else if (key === 'specialType') {
      this.values.specialType = value;
    } else {
      this.values.name = value;
    }
    if (this.check()) this.options.changed?.({ ...this.values, name: this.values.name.trim() });
  }

  private field(key: keyof Attributes, control: HTMLElement): HTMLElement {
    const message = el('div', { className: 'field-error', 'data-error': key, hidden: true });
    this.messages.set(key, message);
    // Households typed here are the figure stored with the grid; where its village has buildings or
    // addresses the server counts them itself (server/geo/households.ts) and shows this one beside.
    const label = key === 'households' ? t('households.storedField') : t(`grid.${key}` as Key);
    return el('label', { className: 'field' }, el('span', { text: label }), control, message);
  }

  private build(): void {
    this.messages.clear();
    const v = this.values;
    const on = (key: keyof Attributes) => (event: Event) => this.input(key, (event.target as HTMLInputElement | HTMLSelectElement).value);
    const count = (key: 'households' | 'population') =>
      el('input', { type: 'text', inputMode: 'numeric', name: key, value: this.raw[key], oninput: on(key) });
    this.specialField = this.field(
      'specialType',
      el('select', { name: 'specialType', onchange: on('specialType') }, ...SPECIAL_TYPES.map((s) => el('option', { value: s, selected: v.specialType === s, text: t(`special.${s}` as Key) }))),
    );
    this.specialField.hidden = v.kind !== 'special';
    this.root = el(
      'div',
      { className: 'attribute-fields' },
      this.field('name', el('input', { type: 'text', name: 'name', value: v.name, maxLength: MAX_NAME_LENGTH + 20, oninput: on('name') })),
      this.field('kind', el('select', { name: 'kind', onchange: on('kind') }, ...KINDS.map((k) => el('option', { value: k, selected: v.kind === k, text: t(`kind.${k}` as Key) })))),
      this.specialField,
      this.field('households', count('households')),
      this.field('population', count('population')),
    );
    this.builtFor = lang();
    this.check();
  }
}
