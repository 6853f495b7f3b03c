// Browser check of the self-hosted GraphiQL page.
//
// Usage: node graphiql_check.mjs http://127.0.0.1:<port>
//
// Launches Debian's /usr/bin/chromium through playwright-core (no browser
// download), opens <base>/graphql, runs `{ __typename }` through the GraphiQL
// UI and waits for "Query" in the result pane. Every request to a host other
// than 127.0.0.1 / localhost is aborted and recorded; any such request fails
// the check, since the page must work on a closed network.
//
// Exits 0 on success; otherwise prints why and exits 1.
// Set SCREENSHOT=/path.png to save a screenshot of the final page.

import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TIMEOUT_MS = 20000;

const base = (process.argv[2] || '').replace(/\/+$/, '');
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(base)) {
  console.error('usage: node graphiql_check.mjs http://127.0.0.1:<port>');
  process.exit(2);
}

function isLocal(url) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return LOCAL_HOSTS.has(u.hostname);
}

const offMachine = []; // URLs the page tried to fetch from another host
const problems = []; // diagnostics: page errors, failed same-origin responses

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

let failure = null;
try {
  const context = await browser.newContext();
  // Routed on the context so requests from workers are covered too.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    offMachine.push(url);
    return route.abort('blockedbyclient');
  });

  const page = await context.newPage();
  page.on('websocket', (ws) => { if (!isLocal(ws.url().replace(/^ws/, 'http'))) offMachine.push(ws.url()); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()} ${res.url()}`); });

  await page.goto(`${base}/graphql`, { waitUntil: 'load', timeout: TIMEOUT_MS });

  const title = await page.title();
  if (!title.includes('GraphiQL')) throw new Error(`unexpected page title: ${JSON.stringify(title)}`);

  // GraphiQL 3 uses CodeMirror 5: the instance hangs off the .CodeMirror element.
  const queryEditor = '.graphiql-query-editor .CodeMirror';
  await page.waitForSelector(queryEditor, { timeout: TIMEOUT_MS });
  await page.$eval(queryEditor, (el) => el.CodeMirror.setValue('{ __typename }'));

  await page.click('.graphiql-execute-button', { timeout: TIMEOUT_MS });

  await page.waitForFunction(() => {
    const el = document.querySelector('.graphiql-response .CodeMirror');
    return el && el.CodeMirror && el.CodeMirror.getValue().includes('"Query"');
  }, null, { timeout: TIMEOUT_MS }).catch(async () => {
    const got = await page.evaluate(() => {
      const el = document.querySelector('.graphiql-response .CodeMirror');
      return el && el.CodeMirror ? el.CodeMirror.getValue() : '(no result pane)';
    });
    throw new Error(`result pane never showed "Query"; it shows: ${got}`);
  });

  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
} catch (err) {
  failure = err.message;
} finally {
  await browser.close();
}

if (offMachine.length) {
  console.error(`FAIL: ${offMachine.length} off-machine request(s) blocked:`);
  for (const url of offMachine) console.error(`  ${url}`);
}
if (failure) console.error(`FAIL: ${failure}`);
if (problems.length && (failure || offMachine.length)) {
  console.error('diagnostics:');
  for (const p of problems) console.error(`  ${p}`);
}
if (failure || offMachine.length) process.exit(1);
console.log('OK: GraphiQL ran { __typename } -> "Query" with no off-machine requests');
