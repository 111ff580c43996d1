/** A modal dialog: a title, a body and buttons; resolves with the id of the button pressed. */
import { el } from './dom';
import { t } from '../i18n';

export interface DialogButton {
  id: string;
  label: string;
  primary?: boolean;
  danger?: boolean;
}

export class Dialog {
  constructor(private readonly root: HTMLElement) {}

  open(title: string, body: Node | string, buttons: DialogButton[], kind: 'info' | 'warning' | 'error' = 'info'): Promise<string> {
    return new Promise((resolve) => {
      const close = (id: string) => {
        backdrop.remove();
        document.removeEventListener('keydown', onKey);
        resolve(id);
      };
      const onKey = (event: KeyboardEvent) => {
        if (event.key === 'Escape') close('cancel');
      };
      const box = el(
        'div',
        { className: `dialog dialog-${kind}`, role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
        el('h3', { className: 'dialog-title', text: title }),
        el('div', { className: 'dialog-body' }, typeof body === 'string' ? el('p', { text: body }) : body),
        el(
          'div',
          { className: 'dialog-buttons' },
          ...buttons.map((b) =>
            el('button', { type: 'button', className: `button${b.primary ? ' primary' : ''}${b.danger ? ' danger' : ''}`, 'data-dialog-button': b.id, text: b.label, onclick: () => close(b.id) }),
          ),
        ),
      );
      const backdrop = el('div', { className: 'dialog-backdrop' }, box);
      this.root.append(backdrop);
      document.addEventListener('keydown', onKey);
      (box.querySelector('button.primary') as HTMLButtonElement | null)?.focus();
    });
  }

  alert(title: string, body: Node | string, kind: 'info' | 'warning' | 'error' = 'info'): Promise<string> {
    return this.open(title, body, [{ id: 'ok', label: t('dialog.ok'), primary: true }], kind);
  }
}
