/**
 * The sign-in: a key typed in (or pasted), checked with the service before it is kept. The
 * service prints the first admin key on its first start; admins make the others.
 */
import { el } from './dom';
import { t } from '../i18n';
import { ApiError, type Api, type Me } from '../api';

export class SignIn {
  constructor(
    private readonly root: HTMLElement,
    private readonly api: Api,
  ) {}

  /** Asks until a key the service accepts is given; resolves with it and who it is. */
  ask(message?: string): Promise<{ key: string; me: Me }> {
    return new Promise((resolve) => {
      const input = el('input', { type: 'password', name: 'key', autocomplete: 'off', spellcheck: 'false', placeholder: 'gg_…', required: true });
      const error = el('p', { className: 'signin-error', role: 'alert', text: message ?? '' });
      const submit = el('button', { type: 'submit', className: 'button primary', 'data-action': 'sign-in', text: t('auth.submit') });
      const form = el(
        'form',
        { className: 'dialog signin', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('auth.title') },
        el('h3', { className: 'dialog-title', text: t('auth.title') }),
        el('p', { className: 'muted', text: t('auth.prompt') }),
        el('label', { className: 'field' }, el('span', { text: t('auth.key') }), input),
        error,
        el('div', { className: 'dialog-buttons' }, submit),
      );
      const backdrop = el('div', { className: 'dialog-backdrop signin-backdrop' }, form);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        submit.disabled = true;
        error.textContent = '';
        void this.check(key).then((me) => {
          submit.disabled = false;
          if (me) {
            backdrop.remove();
            resolve({ key, me });
          } else {
            error.textContent = t('auth.invalid');
            input.select();
          }
        });
      });
      this.root.append(backdrop);
      input.focus();
    });
  }

  /** Who a key is, or null when the service refuses it. */
  async check(key: string): Promise<Me | null> {
    const previous = this.api.key;
    this.api.key = key;
    try {
      const me = await this.api.me();
      if (me.signedIn) return me;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    this.api.key = previous;
    return null;
  }
}
