// The teacher picks students of a journal by average and absences on a
// phone, keeps them ticked, writes to their families and reads the result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

test('a teacher writes to the families of the students a filter finds', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.teacher);
  await page.goto(`${run.suite.url}/teaching`);
  const journal = page.locator('a[href^="/teaching/journal"]', { hasText: '5А' }).first();
  await Promise.all([page.waitForNavigation(), journal.click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Написать семьям…' }).click()]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /^Написать семьям/ }).waitFor());
  await checkAccessibility(page, 'the cohort filter');

  await page.getByLabel('Средний балл ниже').fill('5');
  await page.getByLabel('Пропусков не меньше').fill('1');
  assert.equal(await page.getByLabel('Оба условия сразу').isChecked(), false);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Показать' }).click()]);
  const picks = page.locator('table.cohort tbody input[type=checkbox]');
  const found = await picks.count();
  assert.ok(found > 0, 'the demo journal has students below 5 or absent');
  for (let index = 0; index < found; index += 1) {
    assert.equal(await picks.nth(index).isChecked(), true);
  }
  await checkAccessibility(page, 'the students found');
  await screenshot(page, 'teacher-cohort', WIDTHS[0]);

  await page.getByLabel('Тема').fill('Успеваемость за четверть');
  await page.getByLabel('Текст').fill('Прошу связаться со мной по поводу оценок.');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Отправить' }).click()]);
  const heading = page.getByRole('heading', { level: 2, name: /^Отправлено семьям: \d+$/ });
  await assert.doesNotReject(heading.waitFor());
  await checkAccessibility(page, 'the families written to');
  await screenshot(page, 'teacher-cohort-sent', WIDTHS[0]);
  await context.close();
});
