/**
 * Pan and zoom of the diagram, fit to view, and the minimap. The view is one transform
 * (translate + uniform scale) on the content group; the minimap draws the boxes of the whole
 * diagram small and a rectangle for what the main view shows, and clicking or dragging in it
 * moves the view there. The minimap never covers a node: it sits in the first corner of the
 * stage with no node under it and steps aside (hidden) while every corner has one.
 */
import type { PositionedLayout } from '../src/core/layout/types';
import { svg } from './render';

export interface ViewTransform {
  x: number;
  y: number;
  k: number;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 4;

export class Viewport {
  private transform: ViewTransform = { x: 0, y: 0, k: 1 };
  private content = { width: 1, height: 1 };
  private nodes: readonly { x: number; y: number; width: number; height: number }[] = [];
  /**
   * True while the view is "Fit" of the whole diagram (set by `fit()`, cleared by any zoom, pan
   * or restored view): a resize or a new drawing then fits again instead of keeping a stale view.
   */
  fitted = false;
  private readonly minimapContent: SVGGElement;
  private readonly minimapView: SVGRectElement;
  private dragging: { x: number; y: number; moved: boolean } | undefined;
  /** Set when a drag moved the view, so the click ending it does not select. */
  suppressClick = false;

  constructor(
    private readonly host: SVGSVGElement,
    private readonly target: SVGGElement,
    private readonly minimap: SVGSVGElement,
    private readonly onChange: (t: ViewTransform) => void,
  ) {
    this.minimapContent = svg('g', { class: 'minimap-content' });
    this.minimapView = svg('rect', { class: 'minimap-view' });
    minimap.append(this.minimapContent, this.minimapView);
    host.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    host.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    host.addEventListener('pointermove', (e) => this.onPointerMove(e));
    host.addEventListener('pointerup', () => (this.dragging = undefined));
    host.addEventListener('pointerleave', () => (this.dragging = undefined));
    const jump = (e: PointerEvent) => {
      if (e.type === 'pointermove' && e.buttons !== 1) return;
      const point = this.minimapPoint(e);
      this.centerOn(point.x, point.y);
    };
    minimap.addEventListener('pointerdown', jump);
    minimap.addEventListener('pointermove', jump);
    new ResizeObserver(() => (this.fitted ? this.fit() : this.apply())).observe(host);
  }

  /** The current transform (for saved view state). */
  get view(): ViewTransform {
    return { ...this.transform };
  }

  /** Sets the diagram's extent and redraws the minimap's boxes. */
  setContent(layout: PositionedLayout): void {
    this.content = { width: Math.max(1, layout.width), height: Math.max(1, layout.height) };
    this.nodes = layout.nodes;
    this.minimap.setAttribute('viewBox', `0 0 ${this.content.width} ${this.content.height}`);
    this.minimapContent.replaceChildren(
      ...layout.boundaries.map((b) =>
        svg('rect', {
          x: b.x,
          y: b.y,
          width: b.width,
          height: b.height,
          class: 'minimap-boundary',
        }),
      ),
      ...layout.nodes.map((n) =>
        svg('rect', {
          x: n.x,
          y: n.y,
          width: n.width,
          height: n.height,
          class: 'minimap-node',
          'data-id': n.id,
        }),
      ),
    );
    this.apply();
  }

  /** Restores a saved transform. */
  setView(t: ViewTransform): void {
    this.fitted = false;
    this.transform = { x: t.x, y: t.y, k: clamp(t.k, MIN_SCALE, MAX_SCALE) };
    this.apply();
  }

  /** Scales and centres so a box (diagram coordinates; the whole diagram by default) fills the view. */
  fit(box?: { x: number; y: number; width: number; height: number }, maxScale = 1): void {
    this.fitted = box === undefined;
    box ??= { x: 0, y: 0, width: this.content.width, height: this.content.height };
    const { width, height } = this.size();
    // A small margin: every pixel of it is taken from the text size at fit. Scale 1 at most, so a
    // small model is drawn at its natural size (22px labels) rather than blown up.
    const margin = 8;
    const k = clamp(
      Math.min(
        (width - 2 * margin) / Math.max(1, box.width),
        (height - 2 * margin) / Math.max(1, box.height),
        maxScale,
      ),
      MIN_SCALE,
      MAX_SCALE,
    );
    this.transform = {
      k,
      x: (width - box.width * k) / 2 - box.x * k,
      y: (height - box.height * k) / 2 - box.y * k,
    };
    this.apply();
  }

  /** Zooms by a factor around a point of the view (its centre by default). */
  zoomBy(factor: number, at?: { x: number; y: number }): void {
    this.fitted = false;
    const { width, height } = this.size();
    const p = at ?? { x: width / 2, y: height / 2 };
    const k = clamp(this.transform.k * factor, MIN_SCALE, MAX_SCALE);
    const ratio = k / this.transform.k;
    this.transform = {
      k,
      x: p.x - (p.x - this.transform.x) * ratio,
      y: p.y - (p.y - this.transform.y) * ratio,
    };
    this.apply();
  }

  /** Moves the view so a diagram point is in the middle. */
  centerOn(x: number, y: number): void {
    this.fitted = false;
    const { width, height } = this.size();
    this.transform = {
      ...this.transform,
      x: width / 2 - x * this.transform.k,
      y: height / 2 - y * this.transform.k,
    };
    this.apply();
  }

  /** The diagram-space rectangle currently visible (for "export the current view"). */
  visibleBox(): { x: number; y: number; width: number; height: number } {
    const { width, height } = this.size();
    const { x, y, k } = this.transform;
    return { x: -x / k, y: -y / k, width: width / k, height: height / k };
  }

  private size(): { width: number; height: number } {
    const rect = this.host.getBoundingClientRect();
    return { width: Math.max(1, rect.width), height: Math.max(1, rect.height) };
  }

  private apply(): void {
    const { x, y, k } = this.transform;
    this.target.setAttribute(
      'transform',
      `translate(${x.toFixed(2)},${y.toFixed(2)}) scale(${k.toFixed(4)})`,
    );
    const v = this.visibleBox();
    for (const [name, value] of Object.entries(v))
      this.minimapView.setAttribute(name, String(value));
    this.placeMinimap();
    this.onChange(this.view);
  }

  /**
   * Puts the minimap in the first corner (bottom right, bottom left, top right, top left) where
   * it covers no node on screen; hides it (class `no-room`) while none is free. Computed from the
   * layout's boxes and the transform, so it costs no DOM reads per node.
   */
  placeMinimap(): void {
    const map = this.minimap;
    if (map.classList.contains('hidden')) return;
    const host = this.size();
    const inset = 8;
    const w = map.clientWidth || 160;
    const h = map.clientHeight || 100;
    const { x, y, k } = this.transform;
    const covers = (left: number, top: number) =>
      this.nodes.some((n) => {
        const nx = n.x * k + x;
        const ny = n.y * k + y;
        return (
          nx < left + w + 4 &&
          nx + n.width * k > left - 4 &&
          ny < top + h + 4 &&
          ny + n.height * k > top - 4
        );
      });
    const corners = [
      ['bottom-right', host.width - inset - w, host.height - inset - h],
      ['bottom-left', inset, host.height - inset - h],
      ['top-right', host.width - inset - w, inset],
      ['top-left', inset, inset],
    ] as const;
    const free = corners.find(([, left, top]) => !covers(left, top));
    map.classList.toggle('no-room', free === undefined);
    if (free) map.dataset.corner = free[0];
  }

  private minimapPoint(e: PointerEvent): { x: number; y: number } {
    const rect = this.minimap.getBoundingClientRect();
    // preserveAspectRatio xMidYMid meet: one scale, centred.
    const scale = Math.min(rect.width / this.content.width, rect.height / this.content.height);
    const offsetX = (rect.width - this.content.width * scale) / 2;
    const offsetY = (rect.height - this.content.height * scale) / 2;
    return {
      x: (e.clientX - rect.left - offsetX) / scale,
      y: (e.clientY - rect.top - offsetY) / scale,
    };
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.host.getBoundingClientRect();
    this.zoomBy(Math.exp(-e.deltaY * 0.0015), {
      x: e.clientX - rect.left,
      y: e.clientY - rect.top,
    });
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.dragging = { x: e.clientX, y: e.clientY, moved: false };
    this.suppressClick = false;
  }

  private onPointerMove(e: PointerEvent): void {
    if (!this.dragging || e.buttons !== 1) return;
    const dx = e.clientX - this.dragging.x;
    const dy = e.clientY - this.dragging.y;
    if (!this.dragging.moved && Math.hypot(dx, dy) < 4) return;
    this.dragging = { x: e.clientX, y: e.clientY, moved: true };
    this.suppressClick = true;
    this.fitted = false;
    this.transform = { ...this.transform, x: this.transform.x + dx, y: this.transform.y + dy };
    this.apply();
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
