// Document URIs ↔ the file paths the pipeline works with. The pipeline knows paths only; the
// editor knows URIs only. Open documents keep the URI the client sent (clients differ in how
// they percent-encode), so a path of an open document maps back to exactly that URI.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BUILTIN_PREFIX = 'builtin:/';

/** The path the pipeline sees for a document URI. Non-file documents get a stable pseudo path. */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // A malformed file URI: fall through to the pseudo path.
    }
  }
  return `/__dmabuf_unsaved__/${encodeURIComponent(uri)}.dmabuf`;
}

/** Where the shipped platform files are next to the running server (dist/platforms/). */
export function builtinFile(p: string): string | undefined {
  if (!p.startsWith(BUILTIN_PREFIX)) return undefined;
  const name = path.basename(p.slice(BUILTIN_PREFIX.length));
  for (const dir of [path.join(__dirname, 'platforms'), path.join(__dirname, '..', 'language', 'platforms')]) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function isBuiltinPath(p: string): boolean {
  return p.startsWith(BUILTIN_PREFIX);
}

export class UriMap {
  private readonly byPath = new Map<string, string>();

  remember(uri: string): string {
    const p = uriToPath(uri);
    this.byPath.set(p, uri);
    return p;
  }

  forget(uri: string): void {
    this.byPath.delete(uriToPath(uri));
  }

  /** The URI for a path: the open document's, a built-in's file, or a file URI. */
  uri(p: string): string {
    const open = this.byPath.get(p);
    if (open) return open;
    const builtin = builtinFile(p);
    if (builtin) return pathToFileURL(builtin).href;
    if (isBuiltinPath(p)) return p;
    if (p.startsWith('/__dmabuf_unsaved__/')) return decodeURIComponent(p.slice('/__dmabuf_unsaved__/'.length).replace(/\.dmabuf$/, ''));
    return pathToFileURL(p).href;
  }
}
