/**
 * The status bar under the map: one message, information or error, written again in the new
 * language when the language changes (a message given as a function is asked again). A save
 * refusal stays until the next change of the edits takes it off (`clearRefusal`).
 */
import { onLangChange } from '../i18n';

export type StatusKind = 'info' | 'error';

export class StatusBar {
  private text: () => string = () => '';
  private refusal = false;

  /** @param root The status element (`#status`). */
  constructor(private readonly root: HTMLElement) {
    onLangChange(() => (this.root.textContent = this.text()));
  }

  /** Shows a message; a function is called again when the language changes. */
  show(message: string | (() => string), kind: StatusKind = 'info'): void {
    this.text = typeof message === 'string' ? () => message : message;
    this.root.textContent = this.text();
    this.root.className = `status ${kind}`;
  }

  /** A refused save: an error that the next change of the edits clears (it was about them). */
  showRefusal(message: string): void {
    this.show(message, 'error');
    this.refusal = true;
  }

  /** Takes a refusal off the bar; any other message stays. */
  clearRefusal(): void {
    if (!this.refusal) return;
    this.refusal = false;
    this.show('');
  }
}
