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
   * Deep-redacts every string inside a JSON-like value (results, evidence), copying only what holds a
   * secret and any object that is not a plain one (the copy makes it plain): a run's results, which
   * mostly hold none, are not rebuilt one by one. One walk decides and copies, so the two cannot drift.
   */
  applyDeep<T>(value: T): T {
    return this.redacted(value) as T;
  }

  private redacted(value: unknown): unknown {
    // apply() returns the string itself when it holds no secret.
    if (typeof value === 'string') return this.apply(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const items = value.map((item) => this.redacted(item));
      return items.some((item, index) => item !== value[index]) ? items : value;
    }
    const entries = Object.entries(value);
    // The copy starts at the first entry that changed (at once for an object that is not plain).
    let out: Record<string, unknown> | undefined =
      Object.getPrototypeOf(value) === Object.prototype ? undefined : {};
    entries.forEach(([key, item], index) => {
      const next = this.redacted(item);
      if (!out && next !== item) out = Object.fromEntries(entries.slice(0, index));
      if (out) out[key] = next;
    });
    return out ?? value;
  }
}
