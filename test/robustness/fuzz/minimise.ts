// Delta debugging over lines (then characters of the remaining lines), so a failing fuzz input is
// reported as the few lines that still break the property, not as 2,000 random tokens.

/**
 * The smallest text found (within `maxChecks` calls of `fails`) that still fails. `fails` must
 * be true for `text` itself; the result is always a failing text.
 */
export function minimiseLines(text: string, fails: (t: string) => boolean, maxChecks = 300): string {
  let checks = 0;
  const tryFails = (t: string): boolean => {
    if (checks >= maxChecks) return false;
    checks++;
    try {
      return fails(t);
    } catch {
      return true;
    }
  };
  let lines = text.split('\n');
  let chunk = Math.max(1, lines.length >> 1);
  while (chunk >= 1 && checks < maxChecks) {
    let removed = false;
    for (let at = 0; at < lines.length && checks < maxChecks; ) {
      const candidate = [...lines.slice(0, at), ...lines.slice(at + chunk)];
      if (candidate.length < lines.length && tryFails(candidate.join('\n'))) {
        lines = candidate;
        removed = true;
      } else {
        at += chunk;
      }
    }
    if (!removed) chunk >>= 1;
  }
  let best = lines.join('\n');
  // Then single characters from the end backwards, while checks remain (short inputs only).
  for (let i = best.length - 1; i >= 0 && checks < maxChecks && best.length < 400; i--) {
    const candidate = best.slice(0, i) + best.slice(i + 1);
    if (tryFails(candidate)) best = candidate;
  }
  return best;
}
