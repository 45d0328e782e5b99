/**
 * Scene → SVG. Builds the whole drawing with DOM calls: every model string goes in through
 * `textContent` or `setAttribute` (never markup), so a label like `<img onerror=…>` is shown as
 * the characters it is. Elements carry `data-id` / `data-kind` for selection, filtering and
 * tests; colours come from CSS classes bound to `--vscode-*` variables (style.css).
 */
import type { DiagramScene } from '../src/core/layout/scene';
import { boundaryTitle, NODE_GEOMETRY } from '../src/core/layout/elkGraph';
import type { EdgeSection } from '../src/core/layout/types';
import { computeBadges, type Badge, type FilterState } from './filters';
import { iconGlyph, iconName } from './icons';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes (values are set as attributes, never parsed). */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

function text(content: string, attributes: Record<string, string | number>): SVGTextElement {
  const element = svg('text', attributes);
  element.textContent = content;
  return element;
}

/** Shortens a label to a number of characters, with an ellipsis; the full text goes in a tooltip. */
export function elide(label: string, maxChars: number): string {
  const chars = [...label];
  return chars.length <= maxChars
    ? label
    : `${chars.slice(0, Math.max(1, maxChars - 1)).join('')}…`;
}

function badgeGroup(badge: Badge, cx: number, cy: number): SVGGElement {
  const label = String(badge.count);
  const width = Math.max(24, 10 + label.length * 9);
  const group = svg('g', {
    class: 'badge',
    'data-severity': badge.severity,
    'data-count': badge.count,
  });
  group.append(
    svg('rect', { x: cx - width / 2, y: cy - 12, width, height: 24, rx: 12, class: 'badge-bg' }),
    text(label, { x: cx, y: cy + 5, 'text-anchor': 'middle', class: 'badge-text' }),
  );
  const title = svg('title');
  title.textContent = `${badge.count} open threat${badge.count === 1 ? '' : 's'}, highest ${badge.severity}`;
  group.append(title);
  return group;
}

function sectionPath(s: EdgeSection): string {
  const points = [s.start, ...s.bendPoints, s.end];
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
    .join(' ');
}

/** Midpoint along a polyline, for a flow's badge when it has no label. */
function midpoint(sections: readonly EdgeSection[]): { x: number; y: number } {
  const points = sections.flatMap((s) => [s.start, ...s.bendPoints, s.end]);
  let total = 0;
  for (let i = 1; i < points.length; i++)
    total += Math.hypot(
      (points[i] as { x: number }).x - (points[i - 1] as { x: number }).x,
      (points[i] as { y: number }).y - (points[i - 1] as { y: number }).y,
    );
  let walked = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as { x: number; y: number };
    const b = points[i] as { x: number; y: number };
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    if (walked + length >= total / 2 && length > 0) {
      const t = (total / 2 - walked) / length;
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
    }
    walked += length;
  }
  return points[0] ?? { x: 0, y: 0 };
}

/** Arrowhead markers, one per end, coloured by the edge (context-stroke). */
export function markerDefs(): SVGDefsElement {
  const defs = svg('defs');
  for (const [id, path] of [
    ['arrow-end', 'M0,0 L10,5 L0,10 z'],
    ['arrow-start', 'M10,0 L0,5 L10,10 z'],
  ] as const) {
    const marker = svg('marker', {
      id,
      viewBox: '0 0 10 10',
      refX: id === 'arrow-end' ? 9 : 1,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto',
      markerUnits: 'strokeWidth',
    });
    marker.append(svg('path', { d: path, class: 'arrowhead' }));
    defs.append(marker);
  }
  return defs;
}

/**
 * Draws the scene into `root` (a `<g>` inside the panned and zoomed viewport), replacing its
 * content. Returns the element groups by id, for selection and filtering.
 */
export function renderScene(
  root: SVGGElement,
  scene: DiagramScene,
  filters: FilterState,
): Map<string, SVGGElement> {
  root.replaceChildren();
  const elements = new Map<string, SVGGElement>();
  const badges = computeBadges(scene.threats, filters);
  const g = NODE_GEOMETRY;

  const boundaryInfo = new Map(scene.graph.boundaries.map((b) => [b.id, b]));
  const boundaryLayer = svg('g', { class: 'layer-boundaries' });
  for (const box of [...scene.layout.boundaries].sort((a, b) => a.depth - b.depth)) {
    const info = boundaryInfo.get(box.id);
    const group = svg('g', {
      class: 'boundary',
      'data-id': box.id,
      'data-kind': 'boundary',
      'data-trust': info?.trust ?? '',
      'data-depth': box.depth,
    });
    group.append(
      svg('rect', {
        x: box.x,
        y: box.y,
        width: box.width,
        height: box.height,
        rx: 6,
        class: 'boundary-box',
      }),
    );
    const title = info ? boundaryTitle(info) : box.id;
    group.append(
      text(elide(title, Math.floor((box.width - 16) / g.boundaryCharWidth)), {
        x: box.x + 8,
        y: box.y + g.boundaryFont + 4,
        class: 'boundary-label',
        'data-room': box.width - 16,
      }),
    );
    const tooltip = svg('title');
    tooltip.textContent = title;
    group.append(tooltip);
    boundaryLayer.append(group);
    elements.set(`boundary:${box.id}`, group);
  }

  const flowInfo = new Map(scene.graph.flows.map((f) => [f.id, f]));
  const edgeLayer = svg('g', { class: 'layer-edges' });
  const edgeLabelLayer = svg('g', { class: 'layer-edge-labels' });
  for (const edge of scene.layout.edges) {
    const info = flowInfo.get(edge.id);
    const group = svg('g', {
      class: 'edge',
      'data-id': edge.id,
      'data-kind': 'flow',
      'data-source': edge.source,
      'data-target': edge.target,
      tabindex: 0,
      role: 'button',
    });
    const d = edge.sections.map(sectionPath).join(' ');
    // A wide transparent twin makes a 1.5px line easy to click.
    group.append(svg('path', { d, class: 'edge-hit' }));
    const line = svg('path', { d, class: 'edge-line', 'marker-end': 'url(#arrow-end)' });
    if (info?.bidirectional) {
      line.setAttribute('marker-start', 'url(#arrow-start)');
      group.classList.add('bidirectional');
    }
    group.append(line);
    const tooltip = svg('title');
    tooltip.textContent = `${info?.label ? `${info.label} — ` : ''}${edge.source} ${info?.bidirectional ? '↔' : '→'} ${edge.target} (${edge.id})`;
    group.append(tooltip);
    const labelGroup = svg('g', { class: 'edge-label-group', 'data-for': edge.id });
    let badgeAt = midpoint(edge.sections);
    if (edge.label) {
      // Flow labels are shown on demand (hover, selection, the "Flow labels" toggle; style.css):
      // the layout leaves no room for all of them at once.
      const l = edge.label;
      labelGroup.append(
        svg('rect', {
          x: l.x - 2,
          y: l.y,
          width: l.width + 4,
          height: l.height,
          rx: 3,
          class: 'edge-label-bg edge-label-part',
        }),
      );
      labelGroup.append(
        text(elide(l.text, Math.floor((l.width - 10) / g.edgeCharWidth)), {
          x: l.x + l.width / 2,
          y: l.y + l.height - 6,
          'text-anchor': 'middle',
          class: 'edge-label edge-label-part',
        }),
      );
      badgeAt = { x: l.x + l.width / 2, y: l.y + l.height / 2 };
    }
    const badge = badges.get(edge.id);
    if (badge) labelGroup.append(badgeGroup(badge, badgeAt.x, badgeAt.y));
    edgeLayer.append(group);
    edgeLabelLayer.append(labelGroup);
    elements.set(`flow:${edge.id}`, group);
  }

  const componentInfo = new Map(scene.graph.components.map((c) => [c.id, c]));
  const nodeLayer = svg('g', { class: 'layer-nodes' });
  for (const box of scene.layout.nodes) {
    const info = componentInfo.get(box.id);
    const kind = info?.kind ?? '';
    const group = svg('g', {
      class: 'node',
      'data-id': box.id,
      'data-kind': 'component',
      'data-component-kind': kind,
      'data-icon': iconName(kind),
      tabindex: 0,
      role: 'button',
    });
    group.append(
      svg('rect', {
        x: box.x,
        y: box.y,
        width: box.width,
        height: box.height,
        rx: 4,
        class: 'node-box',
      }),
    );
    group.append(
      text(iconGlyph(kind), { x: box.x + 12, y: box.y + box.height / 2 + 11, class: 'node-icon' }),
    );
    // The lines the layout sized this box for (the wrap it chose for the panel).
    const lines = box.lines;
    lines.forEach((line, i) => {
      group.append(
        text(line, {
          x: box.x + g.labelLeft,
          y: box.y + g.paddingY + (i + 1) * g.lineHeight - 7,
          class: 'node-label',
          'data-room': box.width - g.labelLeft - 4,
        }),
      );
    });
    const tooltip = svg('title');
    // The kind is named here and shown by the icon; see NODE_GEOMETRY.paddingY.
    tooltip.textContent = `${info?.label ?? box.id} (${box.id}, ${kind})`;
    group.append(tooltip);
    const badge = badges.get(box.id);
    if (badge) group.append(badgeGroup(badge, box.x + box.width - 4, box.y + 2));
    nodeLayer.append(group);
    elements.set(`component:${box.id}`, group);
  }
  root.append(boundaryLayer, edgeLayer, nodeLayer, edgeLabelLayer);
  condenseToRoom(root);
  return elements;
}

/**
 * Boxes are sized from an average glyph width (NODE_GEOMETRY.charWidth) before any DOM exists;
 * a wide font (or one with wide capitals) can draw a line longer than that. Such a line is
 * condensed to its room (`data-room`), so text never runs out of its box. Reads every length
 * after all writes: one layout pass, not one per label.
 */
function condenseToRoom(root: SVGGElement): void {
  const labels = [...root.querySelectorAll<SVGTextElement>('text[data-room]')];
  const lengths = labels.map((t) => t.getComputedTextLength());
  labels.forEach((t, i) => {
    const room = Number(t.getAttribute('data-room'));
    if ((lengths[i] as number) > room && room > 0) {
      t.setAttribute('textLength', String(room));
      t.setAttribute('lengthAdjust', 'spacingAndGlyphs');
    }
  });
}
