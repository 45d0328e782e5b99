/**
 * Where the build puts the third-party browser bundles that reports inline, relative to the
 * package root (the extension's install folder, or the CLI's package). scripts/build.mjs copies
 * them there and the `.vscodeignore` allowlist ships `dist/vendor/**`, so an installed extension
 * (which has no node_modules) finds them; pure data so the CLI, the extension and the packaging
 * test agree on one path.
 */

/** Path segments of the pinned `mermaid.min.js` copied from node_modules/mermaid/dist by the build. */
export const MERMAID_BUNDLE_SEGMENTS: readonly string[] = ['dist', 'vendor', 'mermaid.min.js'];

/** Path segments of the same file in a development checkout (the fallback before a build). */
export const MERMAID_NODE_MODULES_SEGMENTS: readonly string[] = [
  'node_modules',
  'mermaid',
  'dist',
  'mermaid.min.js',
];
