/**
 * Export of the current view as a standalone SVG or a PNG. The live SVG is styled by CSS bound
 * to `--vscode-*` variables, which mean nothing outside the webview, so the export copies each
 * element's computed paint and font onto the clone, drops hidden elements, and frames the
 * visible rectangle. PNG: that SVG drawn on a canvas at twice the pixel density.
 */
const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
] as const;

/** Serialises the diagram as it looks now, cropped to `box` (diagram coordinates). */
export function standaloneSvg(
  source: SVGSVGElement,
  content: SVGGElement,
  box: { x: number; y: number; width: number; height: number },
): string {
  const clone = content.cloneNode(true) as SVGGElement;
  clone.removeAttribute('transform');
  const originals = [content, ...content.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  const removed: Element[] = [];
  originals.forEach((original, index) => {
    const copy = copies[index] as Element;
    const style = getComputedStyle(original);
    // Kind icons are codicon glyphs: outside the webview the font is missing and they would show
    // as empty boxes, so the export leaves them out (the kind is written under each label).
    if (
      style.display === 'none' ||
      style.visibility === 'hidden' ||
      original.classList.contains('node-icon')
    ) {
      removed.push(copy);
      return;
    }
    const inline = STYLE_PROPERTIES.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';');
    copy.setAttribute('style', inline);
    copy.removeAttribute('class');
    copy.removeAttribute('tabindex');
  });
  for (const element of removed) element.remove();
  const out = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  out.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  out.setAttribute('viewBox', `${box.x} ${box.y} ${box.width} ${box.height}`);
  out.setAttribute('width', String(Math.round(box.width)));
  out.setAttribute('height', String(Math.round(box.height)));
  const background = getComputedStyle(document.body).backgroundColor;
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  for (const [k, v] of Object.entries({ x: box.x, y: box.y, width: box.width, height: box.height }))
    bg.setAttribute(k, String(v));
  bg.setAttribute('fill', background);
  const defs = source.querySelector('defs');
  if (defs) out.append(defs.cloneNode(true));
  out.append(bg, clone);
  return new XMLSerializer().serializeToString(out);
}

/** Renders SVG markup to a PNG, returned as base64 without the data: prefix. */
export async function svgToPngBase64(
  markup: string,
  width: number,
  height: number,
  density = 2,
): Promise<string> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  // Cap the canvas so a huge diagram cannot exhaust memory; large views get a lower density.
  const scale = Math.min(density, 8192 / Math.max(width, height, 1));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
