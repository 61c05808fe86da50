import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestChief, type TestChief } from './support/startTestChief.ts';
import { hasSystemBinary } from './support/hasSystemBinary.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The explorer in a real browser (Debian's Chromium, headless) with every request outside the
 * gateway refused: it must load, take a token in its headers editor, run a query and show the
 * answer. The screenshot lands in test-results/explorer.png.
 */
describe.runIf(hasSystemBinary(CHROMIUM, 'chromium', 'the explorer suite'))('the API explorer at GET /graphql', () => {
  let chief: TestChief;
  let browser: Browser;
  beforeAll(async () => {
    chief = await startTestChief();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await chief?.stop();
  });

  it('loads with the network closed, runs a query with a token, and shows the result', async () => {
    const origin = new URL(chief.gatewayUrl).origin;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      blocked.push(url);
      return route.abort('internetdisconnected');
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    const response = await page.goto(chief.gatewayUrl);
    expect(response?.headers()['content-type']).toMatch(/text\/html/);
    await page.waitForSelector('.graphiql-query-editor .CodeMirror');

    const token = await chief.token('explorer|user');
    // The editors are CodeMirror instances; set them as a person typing would end up.
    await page.evaluate(
      ({ query, headers }) => {
        type Editor = { CodeMirror: { setValue(value: string): void } };
        (document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as Editor).CodeMirror.setValue(query);
        const tools = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')] as unknown as Editor[];
        tools[tools.length - 1]!.CodeMirror.setValue(headers);
      },
      { query: '{ viewer { userId } }', headers: JSON.stringify({ authorization: `Bearer ${token}` }) },
    );
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('explorer|user'), undefined, { timeout: 15_000 });
    expect(await page.textContent('.graphiql-response')).toContain('"userId": "explorer|user"');

    // The schema documentation is there too (from introspection through the gateway).
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.waitForFunction(() => document.querySelector('.graphiql-doc-explorer')?.textContent?.includes('Query'), undefined, { timeout: 15_000 });
    expect(await page.textContent('.graphiql-doc-explorer')).toMatch(/Mutation/);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/explorer.png' });
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('serves its assets from the gateway and keeps API clients on GraphQL', async () => {
    const asset = await fetch(new URL('/graphql/explorer/graphiql.min.js', chief.gatewayUrl));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const api = await fetch(chief.gatewayUrl, { headers: { accept: 'application/graphql-response+json' } });
    expect(api.headers.get('content-type')).not.toMatch(/text\/html/);
  });
});
