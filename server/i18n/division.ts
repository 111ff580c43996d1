/**
 * A division proposal in the reader's language: each flag, note and crossing gets its `message`
 * from the catalogue (the codes and parameters stay as they are, for machines). Proposals
 * stored before flags carried parameters keep the message they have.
 */
import { messages, translate, type MessageKey } from './catalogue.js';
import type { Lang } from './lang.js';

interface Coded {
  code?: string;
  variant?: string;
  params?: Record<string, string | number>;
  message?: string;
}

interface ProposalLike {
  features?: { properties?: { number?: string; flags?: Coded[]; notes?: Coded[] } }[];
  crossings?: { features?: { properties?: ({ [key: string]: unknown; message?: string }) | null }[] };
}

function known(key: string): key is MessageKey {
  return Object.hasOwn(messages, key);
}

/** The barrier named where the input named it, else its kind in words. */
function place(params: Record<string, string | number | null | undefined>, lang: Lang): string {
  if (typeof params.name === 'string' && params.name !== '') return params.name;
  const kind = `division.kind.${params.kind}`;
  return known(kind) ? translate({ key: kind }, lang) : String(params.kind ?? '');
}

/** A flag (`family` 'flag') or a note ('note') in words. */
export function describeFlag(flag: Coded, lang: Lang, family: 'flag' | 'note' = 'flag'): string | undefined {
  if (!flag.params) return flag.message;
  const key = `division.${family}.${flag.code}${flag.variant ? `.${flag.variant}` : ''}`;
  if (!known(key)) return flag.message;
  return translate({ key, params: { ...flag.params, place: place(flag.params, lang), typeWord: typeWord(flag.params, lang) } }, lang);
}

/** A special grid type in words (a special grid candidate's note), else the type as it is. */
function typeWord(params: Record<string, string | number>, lang: Lang): string {
  const key = `division.special_type.${params.specialType}`;
  return known(key) ? translate({ key }, lang) : String(params.specialType ?? '');
}

/** Adds `message` to every flag and crossing of a stored proposal, in `lang`. */
export function describeProposal<T extends ProposalLike>(proposal: T, lang: Lang): T {
  for (const grid of proposal.features ?? []) {
    for (const family of ['flag', 'note'] as const) {
      for (const flag of (family === 'flag' ? grid.properties?.flags : grid.properties?.notes) ?? []) {
        const message = describeFlag(flag, lang, family);
        if (message !== undefined) flag.message = message;
      }
    }
  }
  for (const crossing of proposal.crossings?.features ?? []) {
    const p = crossing.properties;
    if (!p || typeof p.reason !== 'string') continue;
    const key = `division.crossing.${p.reason}`;
    if (!known(key)) continue;
    const params = { number: String(p.gridNumber ?? ''), kind: String(p.kind ?? ''), name: typeof p.name === 'string' ? p.name : '', lengthM: Math.round(Number(p.lengthM) || 0) };
    p.message = translate({ key, params: { ...params, place: place(params, lang) } }, lang);
  }
  return proposal;
}
