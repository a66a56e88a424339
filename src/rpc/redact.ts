/**
 * RPC URLs often embed API keys (in the path, the query or the user-info). Everything that leaves the
 * process — tables, JSON, errors, logs — goes through a Redactor that knows the run's secrets.
 */

/** `https://user:key@host:8545/v2/KEY?x=y` → `https://host:8545/…`. Never throws. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hasSecretPart =
      parsed.username !== '' ||
      parsed.password !== '' ||
      (parsed.pathname !== '' && parsed.pathname !== '/') ||
      parsed.search !== '' ||
      parsed.hash !== '';
    return `${parsed.protocol}//${parsed.host}${hasSecretPart ? '/…' : ''}`;
  } catch {
    return '<unparseable URL>';
  }
}

export class Redactor {
  /** secret → replacement. */
  private readonly secrets = new Map<string, string>();
  /**
   * The secrets longest first, so a URL is replaced before a fragment of it: sorted once per change, not
   * on every string of every result (a 200-check run redacts thousands of them).
   */
  private ordered: [string, string][] | undefined;

  addUrl(url: string): void {
    const replacement = redactUrl(url);
    this.add(url, replacement);
    try {
      const parsed = new URL(url);
      // viem and fetch may print a normalised form (trailing slash, decoded path): cover those too.
      this.add(parsed.href, replacement);
      for (const fragment of [
        parsed.username,
        parsed.password,
        parsed.pathname.length > 1 ? parsed.pathname : '',
        parsed.search,
      ]) {
        if (fragment.length >= 6) this.add(fragment, '…');
      }
    } catch {
      // an unparseable URL is still replaced verbatim above
    }
  }

  add(secret: string, replacement = '***'): void {
    if (secret.length === 0 || secret === replacement) return;
    this.secrets.set(secret, replacement);
    this.ordered = undefined;
  }

  private orderedSecrets(): [string, string][] {
    this.ordered ??= [...this.secrets.entries()].sort((a, b) => b[0].length - a[0].length);
    return this.ordered;
  }

  apply(text: string): string {
    let out = text;
    for (const [secret, replacement] of this.orderedSecrets()) {
      if (out.includes(secret)) out = out.split(secret).join(replacement);
    }
    return out;
  }

  /**
   * Deep-redacts every string inside a JSON-like value (results, evidence), as a copy made of plain
   * objects and arrays. A value of plain data with no secret in any string is returned as it is: looking
   * costs less than the copy, which every result of a run would otherwise get.
   */
  applyDeep<T>(value: T): T {
    return this.needsCopy(value) ? this.redactDeep(value) : value;
  }

  /** Whether a string inside holds a secret, or an object inside is not a plain one (the copy makes it one). */
  private needsCopy(value: unknown): boolean {
    if (typeof value === 'string') return this.orderedSecrets().some(([secret]) => value.includes(secret));
    if (value === null || typeof value !== 'object') return false;
    if (Array.isArray(value)) return value.some((item) => this.needsCopy(item));
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return true;
    return Object.values(value).some((item) => this.needsCopy(item));
  }

  private redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.apply(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.redactDeep(item);
      return out as T;
    }
    return value;
  }
}
