// The deputy head decides a teacher's request to reopen a journal and
// closes a reporting period.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

test('the deputy head closes a period and decides a reopen request', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.deputy);
  await checkAccessibility(page, 'the deputy head\'s start page');
  await Promise.all([page.waitForNavigation(), page.locator('a.area[href$="/leadership"]').click()]);
  await checkAccessibility(page, 'leadership');
  const school = new URL(page.url()).pathname.split('/')[2];

  await page.goto(`${run.suite.url}/school/${school}/periods`);
  await checkAccessibility(page, 'the periods');
  await screenshot(page, 'leadership-periods', WIDTHS[0]);
  const close = page.locator('a[href$="/close"]').first();
  await Promise.all([page.waitForNavigation(), close.click()]);
  await checkAccessibility(page, 'the confirmation');
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').click()]);
  assert.equal(new URL(page.url()).pathname, `/school/${school}/periods`);
  assert.ok(await page.locator('a[href$="/reopen"]').count() > 0, 'a closed period offers reopening');

  // A teacher asks to reopen that period's journal (the JSON route, from the
  // teacher's own signed-in browser).
  const teacher = await open(run.browser, WIDTHS[1]);
  await signIn(teacher.page, run.suite.url, LOGINS.teacher);
  const asked = await teacher.page.evaluate(async (schoolId) => {
    const journals = await (await fetch(`/api/v1/teaching/journals?school_id=${schoolId}`)).json();
    const first = journals.journals[0];
    const periods = await (await fetch(`/api/v1/schools/${schoolId}/periods`)).json();
    const closed = periods.periods.find((period) => period.state === 'closed');
    const response = await fetch('/api/v1/journal/reopen-requests', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        class_id: first.class_id, subject_id: first.subject_id, period_id: closed.id,
        reason: 'Исправить оценку за контрольную',
      }),
    });
    return response.status;
  }, school);
  assert.equal(asked, 201);
  await teacher.context.close();

  await page.goto(`${run.suite.url}/school/${school}/reopen-requests`);
  await assert.doesNotReject(page.getByText('Исправить оценку за контрольную').waitFor());
  await checkAccessibility(page, 'the reopen requests');
  await screenshot(page, 'leadership-reopen', WIDTHS[0]);
  await Promise.all([page.waitForNavigation(), page.locator('main form button[value=approve]').first().click()]);
  assert.equal(new URL(page.url()).pathname, `/school/${school}/reopen-requests`);
  await context.close();
});

test('the deputy head adds a lesson to a class\'s timetable and cancels one of the day', async () => {
  for (const width of WIDTHS) {
    const { context, page } = await open(run.browser, width);
    await signIn(page, run.suite.url, LOGINS.deputy);
    await Promise.all([page.waitForNavigation(), page.locator('a.area[href$="/leadership"]').click()]);
    const school = new URL(page.url()).pathname.split('/')[2];
    await Promise.all([page.waitForNavigation(), page.locator(`a[href="/school/${school}/timetable"]`).click()]);
    await checkAccessibility(page, 'the timetable');
    await screenshot(page, 'leadership-timetable', width);
    await context.close();
  }

  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.deputy);
  await Promise.all([page.waitForNavigation(), page.locator('a.area[href$="/leadership"]').click()]);
  const school = new URL(page.url()).pathname.split('/')[2];
  await page.goto(`${run.suite.url}/school/${school}/timetable`);
  const lessons = await page.locator('.tt-item').count();
  await Promise.all([page.waitForNavigation(), page.locator('a.tt-add').first().click()]);
  await checkAccessibility(page, 'a new timetable lesson');
  await page.selectOption('#subject_id', { index: 1 });
  await page.selectOption('#teacher_id', { index: 1 });
  await page.getByLabel('Кабинет').fill('305');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить' }).click()]);
  assert.equal(new URL(page.url()).pathname, `/school/${school}/timetable`);
  assert.equal(await page.locator('.tt-item').count(), lessons + 1);

  await page.goto(`${run.suite.url}/school/${school}/substitutions`);
  await checkAccessibility(page, 'the day\'s substitutions');
  const card = page.locator('article.tt-lesson').first();
  await card.locator('summary').click();
  await checkAccessibility(page, 'a lesson\'s changes');
  await screenshot(page, 'leadership-substitutions', WIDTHS[0]);
  await card.getByLabel('Причина отмены').fill('Экскурсия');
  await Promise.all([page.waitForNavigation(), card.getByRole('button', { name: 'Отменить урок' }).click()]);
  assert.equal(new URL(page.url()).pathname, `/school/${school}/substitutions`);
  await assert.doesNotReject(page.getByText('Экскурсия').first().waitFor());
  await context.close();
});
