/**
 * Headless Chromium for tests that open a report as a desk would: Debian's package (`apt-get install
 * chromium`; .ci/run installs it when missing), driven by playwright-core, which downloads no browser.
 */
import { execFileSync } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';

/** Nothing the browser does on its own may reach the network: a test counts every request a page makes. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's chromium (/usr/bin/chromium). Absent: in CI a failure naming the package (a skipped test
 * proves nothing); on a developer's machine undefined, so the test can skip saying why.
 */
export function chromiumPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    if (process.env.CI)
      throw new Error(
        "chromium is not on PATH: install Debian's chromium package (.ci/run does: apt-get install chromium)",
      );
    return undefined;
  }
}

/** A browser with a fresh, throwaway user data directory (what launch() gives every browser). */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
