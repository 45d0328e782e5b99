/**
 * The real Mermaid parser, run where Mermaid runs: in Chromium. `mermaid.parse` cannot run in
 * Node 20 (mermaid 12 needs a DOM for DOMPurify), so the bundled `mermaid.min.js` is loaded into
 * a blank page and each diagram is parsed there. Returns the parser's error message, or
 * undefined when the text parses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export class MermaidParser {
  private constructor(private readonly page: Page) {}

  static async open(browser: Browser): Promise<MermaidParser> {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({
      content: readFileSync(
        join(process.cwd(), 'node_modules/mermaid/dist/mermaid.min.js'),
        'utf8',
      ),
    });
    await page.evaluate(() =>
      (globalThis as unknown as { mermaid: { initialize(c: object): void } }).mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        maxTextSize: 10_000_000,
        maxEdges: 100_000,
      }),
    );
    return new MermaidParser(page);
  }

  /** Parses a diagram; the error message when it does not parse. */
  async parse(text: string): Promise<string | undefined> {
    return this.page.evaluate(async (source) => {
      try {
        await (
          globalThis as unknown as { mermaid: { parse(t: string): Promise<unknown> } }
        ).mermaid.parse(source);
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    }, text);
  }

  /** Renders a diagram to SVG markup (or throws), for checks on what the labels became. */
  async render(text: string): Promise<string> {
    return this.page.evaluate(async (source) => {
      const result = await (
        globalThis as unknown as {
          mermaid: { render(id: string, t: string): Promise<{ svg: string }> };
        }
      ).mermaid.render('d' + Math.floor(performance.now()), source);
      return result.svg;
    }, text);
  }
}
