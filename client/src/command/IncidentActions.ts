/**
 * What an operator does with an incident from the command centre: the steps its loop allows
 * now (the server's own rule, server/incidents/states.ts) and escalation, each with a note and
 * a photo, and — when the service keeps staff — the person a dispatch goes to. A step is sent
 * with the incident's version (If-Match): someone else's step in between (412) reloads the
 * incident and asks again; the server's refusals are shown in the interface's language.
 *
 * Options: `api`; `canAct` (the key may write incidents); `done(incident, label)` after a step;
 * `reload()` to show the incident's latest state.
 */
import { nextStatuses } from '../../../server/incidents/states';
import { ApiError, type Api, type Incident, type IncidentDetail, type IncidentStatus, type IncidentStep, type StaffRef } from '../api';
import { formatNumber, hasKey, t, type Key } from '../i18n';
import { el } from '../panels/dom';

/** The largest photo sent as it is; larger ones are scaled down in the browser first (a phone's 4000 px photo is not needed). */
const SEND_AS_IS_BYTES = 700_000;
/** The longer side of a scaled-down photo (the server keeps the original and a 320 px thumbnail). */
const SCALED_SIDE = 1600;
/** Bigger than this is refused before reading (a phone photo is 2–8 MB). */
const MAX_PICKED_BYTES = 20 * 1024 * 1024;
const OPEN = new Set<IncidentStatus>(['reported', 'dispatched', 'in_progress', 'reopened']);

type Action = IncidentStatus | 'escalate';

export interface IncidentActionsOptions {
  api: Api;
  canAct: () => boolean;
  done: (incident: Incident, label: string) => void;
  reload: () => void;
}

/** The actions of one incident; the form of the one chosen stays open across re-renders of the same incident. */
export class IncidentActions {
  private form: { incident: number; action: Action; note: string; photo: string | null; assignee: string; error: string | null; sending: boolean } | null = null;
  private staff = new Map<string, Promise<StaffRef[] | null>>();
  private rerender: () => void = () => {};

  constructor(private readonly options: IncidentActionsOptions) {}

  /** The buttons (or the open form) for `incident`; `rerender` redraws the detail panel. */
  render(incident: IncidentDetail, rerender: () => void): HTMLElement {
    this.rerender = rerender;
    if (this.form && this.form.incident !== incident.id) this.form = null;
    if (!this.options.canAct()) return el('p', { className: 'muted small', 'data-role': 'incident-actions', text: t('action.readOnly') });
    if (this.form) return this.formOf(incident);
    const actions: Action[] = [...nextStatuses(incident.status)];
    if (OPEN.has(incident.status) && incident.handlingLevel !== 'county') actions.push('escalate');
    if (actions.length === 0) return el('p', { className: 'muted small', 'data-role': 'incident-actions', text: t('action.none') });
    return el(
      'div',
      { className: 'incident-actions', 'data-role': 'incident-actions' },
      ...actions.map((action) =>
        el('button', {
          type: 'button',
          className: `button small${action === 'escalate' ? '' : ' primary'}${action === 'rejected' ? ' danger' : ''}`,
          'data-step': action,
          title: action === 'escalate' ? t('action.escalate.title') : '',
          text: this.label(action),
          onclick: () => {
            this.form = { incident: incident.id, action, note: '', photo: null, assignee: '', error: null, sending: false };
            rerender();
          },
        }),
      ),
    );
  }

  private label(action: Action): string {
    return t(`action.${action}` as Key);
  }

  private formOf(incident: IncidentDetail): HTMLElement {
    const form = this.form!;
    const label = this.label(form.action);
    const note = el('textarea', { name: 'note', rows: 2, maxLength: 2000, placeholder: t('action.notePlaceholder'), oninput: (e) => (form.note = (e.target as HTMLTextAreaElement).value) });
    note.value = form.note;
    const photoInput = el('input', {
      type: 'file',
      name: 'photo',
      accept: 'image/jpeg,image/png',
      capture: 'environment',
      onchange: (e) => void this.pick((e.target as HTMLInputElement).files?.[0]),
    });
    // A service that keeps staff (issue 18) names an incident's assignee (null or a person): only then is there anyone to pick.
    const assignee = form.action === 'dispatched' && incident.gridCode && 'assignee' in incident ? this.assigneeField(incident.gridCode) : null;
    return el(
      'form',
      {
        className: 'incident-step',
        'data-role': 'incident-step',
        'data-step': form.action,
        onsubmit: (e) => {
          e.preventDefault();
          void this.send(incident);
        },
      },
      el('h3', { text: t('action.title', { action: label, id: incident.id }) }),
      assignee,
      el('label', { className: 'field' }, el('span', { text: t('action.note') }), note),
      el('label', { className: 'field' }, el('span', { text: t('action.photo') }), photoInput),
      form.photo
        ? el(
            'div',
            { className: 'step-photo' },
            el('img', { src: form.photo, alt: t('incident.photo'), 'data-role': 'step-photo' }),
            el('button', { type: 'button', className: 'link', text: t('action.photoRemove'), onclick: () => ((form.photo = null), this.rerender()) }),
          )
        : null,
      form.error ? el('p', { className: 'error-text', 'data-role': 'step-error', text: form.error }) : null,
      el(
        'div',
        { className: 'attr-actions' },
        el('button', { type: 'submit', className: 'button small primary', 'data-action': 'step-submit', disabled: form.sending, text: form.sending ? t('action.sending') : t('action.submit', { action: label }) }),
        el('button', { type: 'button', className: 'button small', 'data-action': 'step-cancel', disabled: form.sending, text: t('action.cancel'), onclick: () => ((this.form = null), this.rerender()) }),
      ),
    );
  }

  /** The grid's staff to dispatch to, when the service keeps staff (issue 18's /api/grids/:code/staff); nothing otherwise. */
  private assigneeField(gridCode: string): HTMLElement {
    const holder = el('div', { 'data-role': 'assignee-field' });
    let list = this.staff.get(gridCode);
    if (!list) {
      list = this.options.api.gridStaff(gridCode).catch(() => null);
      this.staff.set(gridCode, list);
    }
    void list.then((staff) => {
      if (!staff?.length || !this.form) return;
      const form = this.form;
      holder.replaceChildren(
        el(
          'label',
          { className: 'field' },
          el('span', { text: t('action.assignee') }),
          el(
            'select',
            { name: 'assignee', 'data-control': 'assignee', onchange: (e) => (form.assignee = (e.target as HTMLSelectElement).value) },
            el('option', { value: '', text: t('action.assignee.auto') }),
            ...staff.map((s) => el('option', { value: String(s.staffId), selected: form.assignee === String(s.staffId), text: t('staff.label', { name: s.name, duty: dutyName(s.duty) }) })),
          ),
        ),
      );
    });
    return holder;
  }

  /** A photo from the file picker or the phone's camera, as a data URL; large ones scaled down first. */
  private async pick(file: File | undefined): Promise<void> {
    const form = this.form;
    if (!form || !file) return;
    form.error = null;
    if (file.size > MAX_PICKED_BYTES) {
      form.error = t('action.photoTooLarge', { size: formatNumber(file.size / 1024 / 1024, 1) });
      this.rerender();
      return;
    }
    try {
      form.photo = file.size <= SEND_AS_IS_BYTES ? await dataUrlOf(file) : await scaledDown(file);
    } catch {
      form.error = t('action.photoUnreadable');
    }
    this.rerender();
  }

  private async send(incident: IncidentDetail): Promise<void> {
    const form = this.form;
    if (!form || form.sending) return;
    form.sending = true;
    form.error = null;
    this.rerender();
    const step: IncidentStep = {
      ...(form.note.trim() ? { note: form.note.trim() } : {}),
      ...(form.photo ? { photo: form.photo } : {}),
      ...(form.action === 'dispatched' && form.assignee ? { assignee: Number(form.assignee) } : {}),
    };
    const label = this.label(form.action);
    try {
      const updated =
        form.action === 'escalate'
          ? await this.options.api.escalate(incident.id, incident.version, step)
          : await this.options.api.transition(incident.id, incident.version, { ...step, to: form.action });
      this.form = null;
      this.options.done(updated, label);
    } catch (error) {
      form.sending = false;
      if (error instanceof ApiError && error.status === 412) {
        form.error = t('action.stale', { id: incident.id });
        this.options.reload();
        return;
      }
      form.error = t('action.failed', { action: label, message: error instanceof Error ? error.message : String(error) });
      this.rerender();
    }
  }
}

/** A duty (leader, fulltime…) in the interface's language, or as the service wrote it. */
export function dutyName(duty: string): string {
  const key = `duty.${duty}`;
  return hasKey(key) ? t(key) : duty;
}

function dataUrlOf(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function scaledDown(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, SCALED_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.85);
}
