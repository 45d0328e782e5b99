/**
 * The side panel of a selected component or flow: its threats with STRIDE letters, ATLAS ids
 * and names (linked to atlas.mitre.org), severity, status and missing controls, and the actions
 * a reviewer takes from here — add a missing control, accept or mark not applicable (with an
 * optional justification), reveal the YAML. Actions are returned to the caller as typed
 * requests; this module never talks to the host itself. All text via textContent.
 */
import type { DiagramScene, SceneThreat } from '../src/core/layout/scene';
import type { TriageStatus } from '../src/shared/protocol';
import { button, textField } from './controls';
import { severityRank, threatMatches, type FilterState } from './filters';

export interface PanelActions {
  reveal(elementId: string): void;
  addControl(elementId: string, control: string): void;
  setStatus(threatId: string, status: TriageStatus, justification: string | undefined): void;
  focus(elementId: string): void;
  close(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  content?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  if (content !== undefined) element.textContent = content;
  return element;
}

function threatItem(threat: SceneThreat, actions: PanelActions): HTMLElement {
  const item = el('li', 'threat');
  item.dataset.threatId = threat.id;
  item.dataset.severity = threat.severity;
  item.dataset.status = threat.status;
  const head = el('div', 'threat-head');
  head.append(
    el('span', `severity sev-${threat.severity}`, threat.severity),
    el('span', 'threat-title', threat.title),
  );
  item.append(head);
  const stride = el('div', 'stride');
  for (const letter of threat.stride) stride.append(el('span', 'stride-letter', letter));
  stride.append(el('span', `status status-${threat.status}`, threat.status.replace('_', ' ')));
  item.append(stride);
  if (threat.atlas.length > 0) {
    const atlas = el('ul', 'atlas');
    for (const ref of threat.atlas) {
      const li = el('li', 'atlas-ref');
      if (ref.url !== undefined && /^https:\/\/atlas\.mitre\.org\//.test(ref.url)) {
        const link = el('a', 'atlas-id', ref.id);
        link.href = ref.url;
        li.append(link);
      } else li.append(el('span', 'atlas-id', ref.id));
      if (ref.name !== undefined) li.append(el('span', 'atlas-name', ` ${ref.name}`));
      if (ref.tactics.length > 0)
        li.append(el('span', 'atlas-tactics', ` (${ref.tactics.map((t) => t.name).join(', ')})`));
      atlas.append(li);
    }
    item.append(atlas);
  }
  if (threat.missingControls.length > 0) {
    const missing = el('div', 'missing');
    missing.append(el('span', 'missing-label', 'Missing controls:'));
    for (const control of threat.missingControls) {
      const chip = el('span', 'control');
      chip.dataset.control = control;
      chip.append(
        el('code', 'control-name', control),
        button('Add', () => actions.addControl(threat.element, control), {
          secondary: true,
          title: `Add ${control} to ${threat.element}`,
          testId: 'add-control',
        }),
      );
      missing.append(chip);
    }
    item.append(missing);
  }
  if (threat.status === 'open') {
    const triage = el('div', 'triage');
    const justification = textField('Justification (optional)', () => undefined);
    justification.classList.add('justification');
    const value = () =>
      justification.value.trim() === '' ? undefined : justification.value.trim();
    triage.append(
      justification,
      button('Accept', () => actions.setStatus(threat.id, 'accepted', value()), {
        secondary: true,
        testId: 'accept',
      }),
      button('Not applicable', () => actions.setStatus(threat.id, 'not_applicable', value()), {
        secondary: true,
        testId: 'not-applicable',
      }),
    );
    item.append(triage);
  }
  return item;
}

/**
 * Fills the panel for an element. Threats hidden by the filters are listed after the others
 * under a note, so a filter never hides a decision the reviewer is about to make blind.
 */
export function renderSidePanel(
  panel: HTMLElement,
  scene: DiagramScene,
  elementId: string,
  kind: 'component' | 'flow',
  filters: FilterState,
  actions: PanelActions,
): void {
  panel.replaceChildren();
  panel.hidden = false;
  panel.dataset.elementId = elementId;
  panel.dataset.kind = kind;
  const component =
    kind === 'component' ? scene.graph.components.find((c) => c.id === elementId) : undefined;
  const flow = kind === 'flow' ? scene.graph.flows.find((f) => f.id === elementId) : undefined;
  const header = el('header', 'panel-header');
  header.append(
    el('h2', 'panel-title', component?.label ?? (flow ? flow.label || flow.id : elementId)),
  );
  header.append(
    el(
      'div',
      'panel-subtitle',
      component
        ? `${component.kind} · ${component.id}`
        : flow
          ? `${flow.source} ${flow.bidirectional ? '↔' : '→'} ${flow.target} · ${flow.id}`
          : elementId,
    ),
  );
  const buttons = el('div', 'panel-actions');
  buttons.append(button('Reveal in YAML', () => actions.reveal(elementId), { testId: 'reveal' }));
  if (component)
    buttons.append(
      button('Focus', () => actions.focus(elementId), { secondary: true, testId: 'focus' }),
    );
  buttons.append(button('Close', () => actions.close(), { secondary: true, testId: 'close' }));
  header.append(buttons);
  panel.append(header);
  const threats = scene.threats
    .filter((t) => t.element === elementId && t.elementType === kind)
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.id < b.id ? -1 : 1));
  const shown = threats.filter((t) => threatMatches(t, filters));
  const hidden = threats.filter((t) => !threatMatches(t, filters));
  const open = threats.filter((t) => t.status === 'open').length;
  panel.append(
    el(
      'p',
      'panel-summary',
      threats.length === 0
        ? 'No threats found for this element.'
        : `${threats.length} threat${threats.length === 1 ? '' : 's'}, ${open} open`,
    ),
  );
  const list = el('ul', 'threats');
  for (const t of shown) list.append(threatItem(t, actions));
  panel.append(list);
  if (hidden.length > 0) {
    panel.append(el('p', 'panel-note', `${hidden.length} more hidden by the filters:`));
    const rest = el('ul', 'threats threats-filtered');
    for (const t of hidden) rest.append(threatItem(t, actions));
    panel.append(rest);
  }
}
