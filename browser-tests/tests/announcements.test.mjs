// The class teacher writes an announcement to the class from the browser;
// a parent finds it marked new on a phone, opens it, and the teacher sees
// that one family has read it. A parent is offered no way to write one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

/// The author's page once it says `families` have read it: publication goes
/// on after the page first shows ("Рассылается…"), so it is looked at again.
async function readBy(page, families) {
  const line = page.getByText(new RegExp(`^Прочитали: семьи — ${families} из \\d+$`));
  for (let attempt = 0; attempt < 100 && (await line.count()) === 0; attempt += 1) {
    await page.waitForTimeout(100);
    await page.reload();
  }
  await assert.doesNotReject(line.waitFor({ timeout: 1000 }));
}

test('the class teacher announces and a parent reads it', async () => {
  const teacher = await open(run.browser, WIDTHS[1]);
  await signIn(teacher.page, run.suite.url, LOGINS.teacher);
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: 'Объявления', exact: true }).click()]);
  await assert.doesNotReject(teacher.page.getByText('Объявлений пока нет.', { exact: false }).waitFor());
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: 'Новое объявление' }).click()]);
  // A class teacher's own class is offered, ticked; parents and students by default.
  const classBox = teacher.page.locator('.choice-group input[type=checkbox]').first();
  assert.equal(await classBox.isChecked(), true);
  assert.equal(await teacher.page.getByLabel('родителям').isChecked(), true);
  await checkAccessibility(teacher.page, 'a new announcement');

  await teacher.page.getByLabel('Заголовок').fill('Экскурсия в музей');
  await teacher.page.getByLabel('Текст').focus();
  await teacher.page.keyboard.type('В пятницу класс едет в Политехнический музей.');
  await teacher.page.keyboard.press('Enter');
  await teacher.page.keyboard.press('Enter');
  await teacher.page.keyboard.type('Сбор у школы в 9:00, с собой сменная обувь.');
  await teacher.page.getByLabel('Закрепить наверху').check();
  await screenshot(teacher.page, 'teacher-new-announcement', WIDTHS[1]);
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('button', { name: 'Сохранить' }).click()]);
  await assert.doesNotReject(teacher.page.getByRole('heading', { level: 1, name: 'Экскурсия в музей' }).waitFor());
  await readBy(teacher.page, 0);

  const parent = await open(run.browser, WIDTHS[0]);
  await signIn(parent.page, run.suite.url, LOGINS.parent);
  await Promise.all([parent.page.waitForNavigation(), parent.page.getByRole('link', { name: 'Объявления', exact: true }).click()]);
  assert.equal(await parent.page.getByRole('link', { name: 'Новое объявление', exact: true }).count(), 0);
  const row = parent.page.locator('li.thread.unread', { hasText: 'Экскурсия в музей' });
  await assert.doesNotReject(row.waitFor());
  assert.match(await row.textContent(), /Закреплено/);
  await checkAccessibility(parent.page, 'announcements of a family');
  await screenshot(parent.page, 'parent-announcements', WIDTHS[0]);
  await Promise.all([parent.page.waitForNavigation(), row.getByRole('link').click()]);
  await assert.doesNotReject(parent.page.getByText('Сбор у школы в 9:00').waitFor());
  assert.equal(await parent.page.getByRole('button', { name: 'Снять с публикации' }).count(), 0);
  await checkAccessibility(parent.page, 'an announcement');
  await screenshot(parent.page, 'parent-announcement', WIDTHS[0]);
  await parent.page.goto(`${run.suite.url}/announcements`);
  assert.equal(await parent.page.locator('li.thread.unread').count(), 0);
  await parent.context.close();

  await readBy(teacher.page, 1);
  await screenshot(teacher.page, 'teacher-announcement', WIDTHS[1]);
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: /Ко всем объявлениям/ }).click()]);
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: 'Написанные' }).click()]);
  await assert.doesNotReject(teacher.page.locator('li.thread', { hasText: 'Опубликовано' }).waitFor());
  await teacher.context.close();
});
