/** How long a first tap on a delete waits for the second. */
const CONFIRM_MS = 5_000;

/** A Delete button that asks for a second tap within a few seconds before it calls `remove`. */
export function deleteButton(name: string, remove: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Delete';
  button.setAttribute('aria-label', `Delete ${name}`);
  let confirmUntil = 0;
  button.addEventListener('click', () => {
    if (Date.now() > confirmUntil) {
      confirmUntil = Date.now() + CONFIRM_MS;
      button.textContent = 'Tap again to delete';
      button.classList.add('confirming');
      return;
    }
    remove();
  });
  return button;
}
