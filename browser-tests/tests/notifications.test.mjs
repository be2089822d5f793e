// A mark the teacher enters in the journal reaches the parent while the
// diary is open: the header counts it, and the notifications page lists it
// with the child's name and a link to the mark.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS, TODAY } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn, tabIntoGrid } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

test('a new mark reaches the parent live and on the notifications page', async () => {
  const parent = await open(run.browser, WIDTHS[0]);
  await signIn(parent.page, run.suite.url, LOGINS.parent);
  const childName = (await parent.page.locator('h1').textContent()).split(': ')[1].trim();
  const link = parent.page.locator('a[data-live-notifications]');
  assert.equal(await link.locator('.badge').isVisible(), false, 'nothing new yet');

  const teacher = await open(run.browser, WIDTHS[1]);
  await signIn(teacher.page, run.suite.url, LOGINS.teacher);
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.locator('a.area[href="/teaching"]').click()]);
  const journal = teacher.page.locator('a[href^="/teaching/journal"]', { hasText: '5А' }).first();
  await Promise.all([teacher.page.waitForNavigation(), journal.click()]);
  const rows = await teacher.page.locator('#journal-grid tbody tr th').allTextContents();
  const row = rows.findIndex((name) => name.includes(childName.split(' ')[0]));
  assert.ok(row >= 0, `${childName} is in the grid`);
  const dates = await teacher.page.locator('#journal-grid thead th[data-date]').evaluateAll(
    (heads) => heads.map((head) => head.dataset.date),
  );
  const column = dates.filter((date) => date <= TODAY).length - 1;
  await tabIntoGrid(teacher.page);
  for (let r = 0; r < row; r += 1) await teacher.page.keyboard.press('ArrowDown');
  for (let c = 0; c < column; c += 1) await teacher.page.keyboard.press('ArrowRight');
  const cell = teacher.page.locator(`#journal-grid tbody tr:nth-child(${row + 1}) td.cell`).nth(column);
  const marksBefore = await cell.locator('.mark').count();
  await teacher.page.keyboard.type('4');
  await teacher.page.keyboard.press('Enter');
  await assert.doesNotReject(cell.locator('.mark').nth(marksBefore).waitFor());
  await teacher.context.close();

  // The open diary counts it without a reload.
  await assert.doesNotReject(link.locator('.badge', { hasText: '1' }).waitFor({ timeout: 30_000 }));
  assert.match(await link.getAttribute('aria-label'), /Уведомления: 1 новых/);
  await screenshot(parent.page, 'parent-live-badge', WIDTHS[0]);

  await Promise.all([parent.page.waitForNavigation(), link.click()]);
  const newest = parent.page.locator('li.thread').first();
  assert.match(await newest.textContent(), /Новая оценка 4 — /);
  assert.match(await newest.textContent(), new RegExp(childName.split(' ')[0]));
  assert.match(await newest.textContent(), /новое/);
  await checkAccessibility(parent.page, 'the notifications');
  await screenshot(parent.page, 'parent-notifications', WIDTHS[0]);

  await Promise.all([parent.page.waitForNavigation(), parent.page.getByRole('button', { name: 'Отметить все прочитанными' }).click()]);
  assert.equal(await parent.page.locator('li.thread.unread').count(), 0);
  await Promise.all([parent.page.waitForNavigation(), parent.page.locator('li.thread').first().getByRole('link').click()]);
  assert.match(new URL(parent.page.url()).pathname, /^\/marks\//);
  await parent.context.close();
});
