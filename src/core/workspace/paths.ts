/**
 * `/`-separated absolute paths, the only kind the model workspace handles (adapters convert
 * native paths and URIs at their edge). A root is `/` or a drive like `C:/`.
 */

/** The last segment: `/a/b.mltm.yaml` → `b.mltm.yaml`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether `path` is a root (`/`, `C:/`): it has no parent. */
export function isRoot(path: string): boolean {
  return path.endsWith('/') && path.indexOf('/') === path.length - 1;
}

/** The enclosing folder; a root is its own parent. */
export function parentOf(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') && !isRoot(path) ? path.slice(0, -1) : path;
  if (isRoot(trimmed)) return trimmed;
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return trimmed;
  // Keep the slash of a root: `/a` → `/`, `C:/a` → `C:/`.
  return slash === trimmed.indexOf('/') ? trimmed.slice(0, slash + 1) : trimmed.slice(0, slash);
}

/** `folder` + `/` + segments, without doubling a root's slash. */
export function joinPath(folder: string, ...segments: string[]): string {
  let out = folder;
  for (const segment of segments) out = out.endsWith('/') ? out + segment : `${out}/${segment}`;
  return out;
}
