// The API's interactive documentation: drawn from the gateway's own
// OpenAPI document under the page's strict policy (nothing loaded from
// elsewhere, no blocked script or style), and a call tried from it is
// answered as the signed-in visitor's own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

test('the API documentation draws every tag and runs a call as the visitor', async () => {
  const { context, page } = await open(run.browser, WIDTHS[1]);
  const blocked = [];
  const elsewhere = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) blocked.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(run.suite.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
  });
  await signIn(page, run.suite.url, LOGINS.parent);
  await page.goto(`${run.suite.url}/api/docs`);
  const family = page.locator('.opblock-tag', { hasText: 'family' });
  await assert.doesNotReject(family.waitFor());
  assert.ok(await page.locator('.opblock-tag').count() >= 8, 'every tag is drawn');
  await checkAccessibility(page, 'the API documentation');
  await screenshot(page, 'api-docs', WIDTHS[1]);

  // «Try it out» on the caller's own session.
  await family.click();
  await checkAccessibility(page, 'the API documentation with a tag open');
  const children = page.locator('#operations-family-list_guardianships');
  await children.locator('.opblock-summary').click();
  await children.getByRole('button', { name: 'Try it out' }).click();
  await children.getByRole('button', { name: 'Execute' }).click();
  const status = children.locator('.live-responses-table tbody .response-col_status').first();
  await assert.doesNotReject(status.waitFor());
  assert.equal((await status.textContent()).trim(), '200');
  assert.match(await children.locator('.live-responses-table .microlight').first().textContent(), /"student_id": "[0-9a-f-]{36}"/);
  assert.deepEqual(blocked, [], 'nothing is blocked by the page policy');
  assert.deepEqual(elsewhere, [], 'nothing is loaded from another origin');
  await context.close();
});
