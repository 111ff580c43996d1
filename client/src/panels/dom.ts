/** Small DOM helpers: element creation with properties and children, escaping by construction. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | boolean | number | ((event: Event) => void)>> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, '').toLowerCase(), value as EventListener);
    else if (name === 'className') element.className = String(value);
    else if (name === 'text') element.textContent = String(value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/**
 * A gate for re-renders that arrive on their own (a live check, an estimate): while a mouse button or a finger is
 * held down inside `root`, the render waits until it is released and its click has run. A button rebuilt or
 * detached between a press and its release loses the click — the user pressed Discard and nothing happened.
 */
export function renderGate(root: HTMLElement): (render: () => void) => void {
  let pressed = false;
  let waiting: (() => void) | null = null;
  root.addEventListener('pointerdown', () => (pressed = true), true);
  const release = () => {
    if (!pressed) return;
    pressed = false;
    // After the click that follows the release.
    setTimeout(() => {
      const render = waiting;
      waiting = null;
      if (!pressed) render?.();
      else waiting = render;
    }, 0);
  };
  window.addEventListener('pointerup', release, true);
  window.addEventListener('pointercancel', release, true);
  return (render) => {
    if (pressed) waiting = render;
    else render();
  };
}
