/**
 * Headless Chromium for tests that open a report as a desk would: Debian's package (`apt-get install
 * chromium`; .ci/run installs it when missing), driven by playwright-core, which downloads no browser.
 */
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

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

/** A browser with a fresh, throwaway user data directory (what launch() gives every browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
