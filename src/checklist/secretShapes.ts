/**
 * What looks like a secret in text a checklist error prints: the file's own line under the caret, and
 * the message, expectation and suggestion beside it (which may echo a value: 'got "…"'). The run's
 * Redactor knows the values that came from the environment; these are the ones written into the file
 * itself, found by their shape, because an error can land in a CI log that more people read than the
 * file:
 * - a URL, with or without its scheme (`base-mainnet.g.alchemy.com/v2/KEY` is the very mistake an
 *   "expected an http(s) URL" error reports), keeps only its scheme and host when it has a path, a
 *   query or user-info (where API keys go, as the Redactor treats them);
 * - 32 or more hex digits (a private key is 64) read `0x…`, except a 20-byte address (0x and 40 digits);
 * - a long base64-like token (32 characters or more, with upper case, lower case and digits in one
 *   unbroken piece of at least 16) reads `…`.
 * Durations, amounts, addresses, check ids (`base-mainnet-head-age-2`) and check types have none of
 * these shapes and are left as written.
 */
import { redactUrl } from '../rpc/redact.js';

export interface HiddenSpan {
  start: number;
  end: number;
  replacement: string;
}

/** A URL with a scheme, up to whitespace, a quote or a YAML flow delimiter. */
const URL_WITH_SCHEME = /[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^\s"'[\]{},]|,(?=[^\s"'[\]{},]))+/g;

/**
 * `[user:pass@]host.tld[:port]` with a password or followed by a path or query; a host is dotted labels
 * ending in letters (so `1.5/2`, `sequencer.head-age` and `v1.2/x` are not hosts) or an IPv4 address.
 * An e-mail address (`oncall@team.example`) has no password and stays.
 */
const URL_WITHOUT_SCHEME =
  /(?<![A-Za-z0-9._%+-])(?<userinfo>[A-Za-z0-9._~%!$&*+;=-]*:[A-Za-z0-9._~%!$&*+;=:-]*@)?(?<host>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(?<rest>[/?][^\s"'[\]{}]+)?/g;

const HEX_RUN = /(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{32,}(?![0-9A-Za-z])/g;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const TOKEN_RUN = /(?<![A-Za-z0-9_+/-])[A-Za-z0-9_+/-]{32,}={0,2}(?![A-Za-z0-9_+/=-])/g;

/**
 * An example a message gives (`e.g. https://wiki.example/runbooks/head-fresh`): a host reserved for
 * documentation (RFC 2606), no user-info or query, and a path of lower-case words only, which no key
 * has. A key written on such a host (`https://rpc.example/v2/KEY`) is still hidden.
 */
function isDocumentationExample(url: string): boolean {
  try {
    const { hostname, username, password, search, hash, pathname } = new URL(url);
    return (
      /(?:^|\.)(?:example|example\.com|example\.net|example\.org|invalid|test)$/.test(hostname) &&
      !username &&
      !password &&
      !search &&
      !hash &&
      /^(?:\/[a-z]+(?:-[a-z]+)*)*\/?$/.test(pathname)
    );
  } catch {
    return false;
  }
}

function looksRandom(run: string): boolean {
  return run
    .split(/[-_/+=]/)
    .some((piece) => piece.length >= 16 && /[0-9]/.test(piece) && /[a-z]/.test(piece) && /[A-Z]/.test(piece));
}

/** The spans of `text` to hide, in order and not overlapping, each with what to show instead. */
export function secretSpans(text: string): HiddenSpan[] {
  const spans: HiddenSpan[] = [];
  const add = (start: number, end: number, replacement: string) => {
    if (spans.some((s) => start < s.end && s.start < end)) return;
    spans.push({ start, end, replacement });
  };
  for (const match of text.matchAll(URL_WITH_SCHEME)) {
    const start = match.index;
    const redacted = redactUrl(match[0]);
    const hides = (redacted.endsWith('/…') || redacted.startsWith('<')) && !isDocumentationExample(match[0]);
    // Added even when nothing is hidden, so no rule below picks at the URL's parts.
    add(start, start + match[0].length, hides ? redacted : match[0]);
  }
  for (const match of text.matchAll(URL_WITHOUT_SCHEME)) {
    const { userinfo, host, rest } = match.groups ?? {};
    if (!userinfo && !rest) continue;
    const start = match.index;
    const port = match[0].slice(
      (userinfo?.length ?? 0) + (host?.length ?? 0),
      match[0].length - (rest?.length ?? 0),
    );
    add(start, start + match[0].length, `${host}${port}/…`);
  }
  for (const match of text.matchAll(HEX_RUN)) {
    if (ADDRESS.test(match[0])) continue;
    add(match.index, match.index + match[0].length, '0x…');
  }
  for (const match of text.matchAll(TOKEN_RUN)) {
    if (ADDRESS.test(match[0]) || !looksRandom(match[0])) continue;
    add(match.index, match.index + match[0].length, '…');
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** `text` with every secret-shaped span replaced (see above). */
export function hideSecretShapes(text: string): string {
  let out = '';
  let at = 0;
  for (const span of secretSpans(text)) {
    out += text.slice(at, span.start) + span.replacement;
    at = span.end;
  }
  return out + text.slice(at);
}
