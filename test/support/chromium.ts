/**
 * Launches the system Chromium (`/usr/bin/chromium`, or `MLTM_CHROMIUM`) through playwright-core,
 * headless and offline-friendly, for tests that must see what a browser sees (HTML reports, the
 * real Mermaid parser). One browser per suite: launch in `before`, close in `after`.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts Chromium. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['MLTM_CHROMIUM'] ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/**
 * Evaluates a JavaScript expression in a page. Page code is written as a string because the
 * project is type-checked without DOM types (only the webview has them), by design.
 */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}
