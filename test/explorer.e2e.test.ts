import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { hasSystemBinary } from './support/hasSystemBinary.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The explorer in a real browser (Debian's Chromium, headless) with every request outside the
 * gateway refused: it must load, take a token in its headers editor, run a query or a
 * subscription and show the answer. Screenshots land in test-results/.
 */
describe.runIf(hasSystemBinary(CHROMIUM, 'chromium', 'the explorer suite'))('the API explorer at GET /graphql', () => {
  let chief: TestChief;
  let browser: Browser;
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    chief = await startTestChief({ SUBSCRIPTION_POLL_MS: '200' });
    ws = await createWorkspaceFixture(chief, 'Explorer');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await chief?.stop();
  });

  /** The explorer loaded with the network closed; `blocked` and `pageErrors` collect what went wrong. */
  const openExplorer = async () => {
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
    return { page, blocked, pageErrors };
  };

  /**
   * The editors are CodeMirror instances; set them as a person typing would end up, and run once
   * GraphiQL has parsed the query (it does 100 ms after an edit, and until then its fetcher is
   * handed the previous document, so a subscription would be taken for the default query).
   */
  const run = async (page: Page, query: string, token: string) => {
    type Editor = { CodeMirror: { setValue(value: string): void; documentAST?: { loc?: { source: { body: string } } } } };
    await page.evaluate(
      ({ query, headers }) => {
        (document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as Editor).CodeMirror.setValue(query);
        const tools = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')] as unknown as Editor[];
        tools[tools.length - 1]!.CodeMirror.setValue(headers);
      },
      { query, headers: JSON.stringify({ authorization: `Bearer ${token}` }) },
    );
    await page.waitForFunction(
      (query) => (document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as Editor).CodeMirror.documentAST?.loc?.source.body === query,
      query,
    );
    await page.click('.graphiql-execute-button');
  };

  /** The result pane's text, as CodeMirror holds it (its DOM has gutters and only visible lines). */
  const response = (page: Page) =>
    page.evaluate(() => (document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());

  it('loads with the network closed, runs a query with a token, and shows the result', async () => {
    const { page, blocked, pageErrors } = await openExplorer();
    await run(page, '{ viewer { userId } }', await chief.token('explorer|user'));
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
    await page.close();
  });

  it('runs a subscription over graphql-ws with the typed token and shows each change as it happens', async () => {
    const { page, blocked, pageErrors } = await openExplorer();
    const socket = page.waitForEvent('websocket');
    // page.route sees no WebSocket, so the sockets are checked apart: one, to the gateway.
    const sockets: string[] = [];
    const sent: string[] = [];
    page.on('websocket', (opened) => {
      sockets.push(opened.url());
      opened.on('framesent', ({ payload }) => sent.push(String(payload)));
    });
    await run(page, 'subscription { taskChanged { cursor action task { id title } } }', ws.users.member.token);
    const opened = await socket;

    // The page cannot tell when the subscription is live at the subgraph (a second or two after
    // the subscribe), so a task is created each second until one shows in the result pane.
    const created: string[] = [];
    await expect.poll(async () => {
      const title = `Shown live ${created.length + 1}`;
      created.push(expectData(await chief.request<Ids<'createTask'>>(
        `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
        { input: { title, founderId: ws.founderId } },
        { token: ws.users.owner.token },
      )).createTask.id);
      return response(page);
    }, { interval: 1_000, timeout: 20_000 }).toMatch(/"action": "CREATED"/);
    const shown = JSON.parse(await response(page)) as { data: { taskChanged: { task: { id: string; title: string } } } };
    expect(created).toContain(shown.data.taskChanged.task.id);
    expect(shown.data.taskChanged.task.title).toMatch(/^Shown live \d+$/);

    // connection_init carried the headers editor's content.
    const init = sent.map((frame) => JSON.parse(frame) as { type: string; payload?: Record<string, string> }).find((m) => m.type === 'connection_init');
    expect(init?.payload).toEqual({ authorization: `Bearer ${ws.users.member.token}` });

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/explorer-subscription.png' });

    // Stopping the subscription closes its socket.
    const closed = opened.waitForEvent('close');
    await page.click('.graphiql-execute-button');
    await closed;
    expect(sockets).toEqual([chief.gatewayUrl.replace(/^http/, 'ws')]);
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('serves its assets from the gateway and keeps API clients on GraphQL', async () => {
    for (const asset of ['graphiql.min.js', 'graphql-ws.min.js']) {
      const served = await fetch(new URL(`/graphql/explorer/${asset}`, chief.gatewayUrl));
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toMatch(/javascript/);
    }
    const api = await fetch(chief.gatewayUrl, { headers: { accept: 'application/graphql-response+json' } });
    expect(api.headers.get('content-type')).not.toMatch(/text\/html/);
  });
});
