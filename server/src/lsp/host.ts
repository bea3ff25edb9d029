// The file system as the front end sees it from the language server: open documents' unsaved
// text overrides the disk, so an import of an edited-but-unsaved file sees the edit.
import fs from 'node:fs';

/** Structurally the front end's FileHost (language/imports). */
export interface OverlayHost {
  readFile(path: string): string | undefined;
  realpath(path: string): string | undefined;
}

export function overlayHost(overlay: ReadonlyMap<string, string>): OverlayHost {
  return {
    readFile(p: string): string | undefined {
      const open = overlay.get(p);
      if (open !== undefined) return open;
      try {
        return fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    realpath(p: string): string | undefined {
      try {
        return fs.realpathSync.native(p);
      } catch {
        // An unsaved (never written) document still exists for the editor.
        return overlay.has(p) ? p : undefined;
      }
    },
  };
}
