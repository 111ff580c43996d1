/**
 * Who is signed in: takes the key from `#key=…` or the session (or asks for one), keeps it,
 * shows who it is with a way out, and asks again when the key is revoked while the page is
 * open — without losing the page or its unsaved edits. The answer of `GET /api/me` goes into
 * the store's `me`; the parts that depend on the key's role follow it there.
 */
import type { Api } from '../api';
import { onLangChange, t, type Key } from '../i18n';
import { el } from '../panels/dom';
import { SignIn } from '../panels/SignIn';
import type { AppStore } from '../state/AppState';
import { forgetKey, storeKey, storedKey, takeKeyFromUrl } from './session';

export interface SessionControllerOptions {
  api: Api;
  store: AppStore;
  /** Where the sign-in form opens (the dialogs' root). */
  dialogRoot: HTMLElement;
  /** Where who is signed in is shown (the top bar's `#user`). */
  userRoot: HTMLElement;
}

export class SessionController {
  private readonly signInForm: SignIn;
  private asking = false;

  constructor(private readonly options: SessionControllerOptions) {
    this.signInForm = new SignIn(options.dialogRoot, options.api);
    options.store.on('me', () => this.render());
  }

  /**
   * Signs in with the key from #key=… or the session, or asks for one; a service that lets
   * anyone read grids (GRIDGOV_PUBLIC_GRIDS) opens read-only without one.
   */
  async signIn(): Promise<void> {
    const { api, store } = this.options;
    const offered = takeKeyFromUrl() ?? storedKey();
    let me = offered ? await this.signInForm.check(offered) : null;
    if (!me) {
      const anonymous = await api.me();
      if (!offered && anonymous.permissions.includes('grids:read')) {
        store.set({ me: anonymous });
      } else {
        if (offered) forgetKey();
        me = (await this.signInForm.ask(offered ? t('auth.invalid') : undefined)).me;
      }
    }
    if (me) {
      store.set({ me });
      storeKey(api.key!);
    }
    api.onUnauthorized = () => this.expired();
    this.render();
    onLangChange(() => this.render());
  }

  /** A key revoked while the page is open: ask again, keep the page (and any unsaved edits). */
  private expired(): void {
    if (this.asking) return;
    this.asking = true;
    forgetKey();
    void this.signInForm.ask(t('auth.expired')).then(({ me }) => {
      this.asking = false;
      storeKey(this.options.api.key!);
      this.options.store.set({ me }, true);
    });
  }

  /** Who is signed in, and a way out. */
  private render(): void {
    const me = this.options.store.state.me;
    const root = this.options.userRoot;
    root.replaceChildren();
    const role = me.signedIn ? t(`auth.role.${me.role}` as Key) : t('auth.role.anonymous');
    const label = me.signedIn ? t('auth.as', { name: me.name ?? '', role }) : role;
    root.append(el('span', { className: 'user-name', 'data-role': me.role ?? 'anonymous', title: label, text: label }));
    if (me.signedIn) {
      root.append(
        el('button', {
          type: 'button',
          className: 'link-button',
          'data-action': 'sign-out',
          text: t('auth.signOut'),
          onclick: () => {
            forgetKey();
            window.location.reload();
          },
        }),
      );
    }
  }
}
