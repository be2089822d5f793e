// The teacher keeps the journal with the keyboard alone, and the family
// sees the marks in its week.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS, TODAY } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn, tabIntoGrid } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

async function weekMarks(page) {
  await page.goto(`${run.suite.url}/`);
  return page.locator('a.mark').count();
}

test('a teacher enters a row of marks with the keyboard only; the family sees them', async () => {
  const family = await open(run.browser, WIDTHS[0]);
  await signIn(family.page, run.suite.url, LOGINS.parent);
  const child = new URL(family.page.url()).pathname.split('/')[2];
  const childName = (await family.page.locator('h1').textContent()).split(': ')[1].trim();
  const before = await weekMarks(family.page);

  const { context, page } = await open(run.browser, WIDTHS[1]);
  await signIn(page, run.suite.url, LOGINS.teacher);
  await Promise.all([page.waitForNavigation(), page.locator('a.area[href="/teaching"]').click()]);
  await checkAccessibility(page, 'the teacher\'s day');
  const journal = page.locator('a[href^="/teaching/journal"]', { hasText: '5А' }).first();
  await Promise.all([page.waitForNavigation(), journal.click()]);
  await checkAccessibility(page, 'the journal grid');

  // The child's row, and the last lesson up to today.
  const rows = await page.locator('#journal-grid tbody tr th').allTextContents();
  const row = rows.findIndex((name) => name.includes(childName.split(' ')[0]));
  assert.ok(row >= 0, `${childName} is in the grid`);
  const dates = await page.locator('#journal-grid thead th[data-date]').evaluateAll(
    (heads) => heads.map((head) => head.dataset.date),
  );
  const column = dates.filter((date) => date <= TODAY).length - 1;
  assert.ok(column >= 0, 'a lesson has been given this term');
  assert.ok(dates[column] >= '2026-12-07', 'the lesson is in the family\'s current week');

  await tabIntoGrid(page);
  for (let r = 0; r < row; r += 1) await page.keyboard.press('ArrowDown');
  for (let c = 0; c < column; c += 1) await page.keyboard.press('ArrowRight');
  const cell = page.locator(`#journal-grid tbody tr:nth-child(${row + 1}) td.cell`).nth(column);
  const marksBefore = await cell.locator('.mark').count();
  await page.keyboard.type('5');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(cell.locator('.mark').nth(marksBefore).waitFor());
  assert.equal((await cell.locator('.mark').nth(marksBefore).textContent()).trim(), '5');

  // On down the column: a 4- for the next student, the pending dot for the one after.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.type('4-');
  await page.keyboard.press('Enter');
  const next = page.locator(`#journal-grid tbody tr:nth-child(${row + 2}) td.cell`).nth(column);
  await assert.doesNotReject(next.locator('.mark', { hasText: '4-' }).waitFor());
  await page.keyboard.press('ArrowDown');
  await page.keyboard.type('9');
  await page.keyboard.press('Enter');
  const refused = page.locator(`#journal-grid tbody tr:nth-child(${row + 3}) td.cell`).nth(column);
  await assert.doesNotReject(refused.locator('.cell-error').waitFor(), 'a 9 on the five-point scale is refused in place');
  await page.keyboard.press('Escape');
  await page.keyboard.type('.');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(refused.locator('.mark').last().waitFor());
  await checkAccessibility(page, 'the grid after entry');
  await screenshot(page, 'teacher-grid', WIDTHS[1]);
  await context.close();

  assert.equal(await weekMarks(family.page), before + 1, 'the family\'s week shows the new mark');
  await family.page.goto(`${run.suite.url}/diary/${child}?date=${dates[column]}`);
  await screenshot(family.page, 'family-week-after-entry', WIDTHS[0]);
  await family.context.close();
});

test('a teacher corrects a mark of theirs with a reason; the family reads the change', async () => {
  const family = await open(run.browser, WIDTHS[0]);
  await signIn(family.page, run.suite.url, LOGINS.parent);
  let markLink = family.page.locator('li.lesson:has(.meta:text("Иванова")) a.mark').first();
  if (await markLink.count() === 0) {
    await Promise.all([family.page.waitForNavigation(), family.page.locator('a[rel=prev]').click()]);
    markLink = family.page.locator('li.lesson:has(.meta:text("Иванова")) a.mark').first();
  }
  const markPath = await markLink.getAttribute('href');
  const before = (await markLink.textContent()).trim();
  const after = before === '3' ? '4' : '3';

  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.teacher);
  await page.goto(`${run.suite.url}${markPath}`);
  await assert.doesNotReject(page.getByRole('heading', { level: 2, name: 'Исправить оценку' }).waitFor());
  await checkAccessibility(page, 'a mark as its teacher sees it');
  await page.getByLabel('Новая оценка или знак').focus();
  await page.keyboard.type(after);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Ошибка при вводе');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal((await page.locator('h1 .mark').textContent()).trim(), after);
  await screenshot(page, 'teacher-mark', WIDTHS[0]);
  await context.close();

  await family.page.goto(`${run.suite.url}${markPath}`);
  await assert.doesNotReject(family.page.getByText(`${before} → ${after}`).waitFor());
  await assert.doesNotReject(family.page.getByText('Ошибка при вводе').waitFor());
  await family.context.close();
});
