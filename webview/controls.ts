/**
 * The one module that knows which UI toolkit draws the webview's controls: today
 * `@vscode-elements/elements` (the maintained successor of the deprecated
 * `@vscode/webview-ui-toolkit`). Everything else asks for "a button", "a checkbox", "a select",
 * "a text field" here, so switching toolkits touches this file only.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';

/** A push button; `label` is set as text. */
export function button(
  label: string,
  onClick: () => void,
  options: { secondary?: boolean; title?: string; testId?: string } = {},
): HTMLElement {
  const element = document.createElement('vscode-button');
  element.textContent = label;
  if (options.secondary) element.setAttribute('secondary', '');
  if (options.title !== undefined) element.title = options.title;
  if (options.testId !== undefined) element.dataset.action = options.testId;
  element.addEventListener('click', onClick);
  return element;
}

/** A labelled checkbox reporting its state on change. */
export function checkbox(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
  value = label,
): HTMLElement {
  const element = document.createElement('vscode-checkbox') as HTMLElement & {
    checked: boolean;
    label: string;
  };
  element.label = label;
  element.checked = checked;
  element.dataset.value = value;
  element.addEventListener('change', () => onChange(element.checked));
  return element;
}

/** Sets a checkbox's state without firing its handler. */
export function setChecked(element: HTMLElement, checked: boolean): void {
  (element as HTMLElement & { checked: boolean }).checked = checked;
}

/** A drop-down of options; reports the chosen value. */
export function select(
  options: readonly { value: string; label: string }[],
  value: string,
  onChange: (value: string) => void,
): HTMLElement & { value: string } {
  const element = document.createElement('vscode-single-select') as HTMLElement & { value: string };
  for (const option of options) {
    const item = document.createElement('vscode-option') as HTMLElement & { value: string };
    item.value = option.value;
    item.textContent = option.label;
    if (option.value === value) item.setAttribute('selected', '');
    element.append(item);
  }
  element.addEventListener('change', () => onChange(element.value));
  return element;
}

/** A single-line text field; reports its value on every input. */
export function textField(
  placeholder: string,
  onInput: (value: string) => void,
): HTMLElement & { value: string } {
  const element = document.createElement('vscode-textfield') as HTMLElement & {
    value: string;
    placeholder: string;
  };
  element.placeholder = placeholder;
  element.addEventListener('input', () => onInput(element.value));
  return element;
}
