/**
 * The diagram webview's HTML page, as a pure function so the Chromium tests load exactly what
 * VS Code loads. Strict CSP: nothing by default; the one script by nonce; styles, fonts and
 * images from the webview's own resource origin; `data:` images only for the PNG export, which
 * draws our own generated SVG on a canvas. No inline script, no eval, no remote content.
 */

export interface DiagramHtmlInput {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** A fresh random nonce (from `crypto`), base64 or hex. */
  readonly nonce: string;
  /** URIs (as webview URIs) of dist/webview/main.js and main.css. */
  readonly scriptUri: string;
  readonly styleUri: string;
}

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Content-Security-Policy of the diagram page. */
export function diagramCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/** The page. No model data in it: the state arrives by message after the `ready` handshake. */
export function diagramHtml(input: DiagramHtmlInput): string {
  const csp = escapeAttribute(diagramCsp(input.cspSource, input.nonce));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(input.styleUri)}">
<title>mltm diagram</title>
</head>
<body>
<div id="app"></div>
<script nonce="${escapeAttribute(input.nonce)}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>`;
}
