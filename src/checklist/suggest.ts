/** "Did you mean": the closest candidate by edit distance, when it is close enough to be a typo. */
export function levenshtein(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  const needle = input.toLowerCase();
  // A name cut short ("arbitrum" for "arbitrum-one") is far in edit distance but plainly meant.
  const pool = [...candidates];
  const extensions = pool.filter((c) => needle.length >= 3 && c.toLowerCase().startsWith(needle));
  if (extensions.length === 1) return extensions[0];
  for (const candidate of pool) {
    const distance = levenshtein(needle, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  const tolerance = Math.max(2, Math.floor(input.length / 3));
  return best.distance <= tolerance ? best.candidate : undefined;
}
