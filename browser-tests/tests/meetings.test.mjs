// The class teacher plans a parent meeting from the browser; a parent finds
// the invitation on a phone and answers it with the page's own buttons; the
// teacher sees the answer and its comment beside the family's name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

/// The organizer's page once the invitations are out: inviting goes on
/// after the page first shows ("Приглашения рассылаются…"), so it is
/// looked at again.
async function invited(page) {
  const counts = page.locator('ul.counts');
  for (let attempt = 0; attempt < 100 && (await counts.count()) === 0; attempt += 1) {
    await page.waitForTimeout(100);
    await page.reload();
  }
  await assert.doesNotReject(counts.waitFor({ timeout: 1000 }));
}

test('the class teacher plans a meeting and a parent replies on a phone', async () => {
  const teacher = await open(run.browser, WIDTHS[1]);
  await signIn(teacher.page, run.suite.url, LOGINS.teacher);
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: 'Собрания', exact: true }).click()]);
  await assert.doesNotReject(teacher.page.getByRole('heading', { level: 1, name: 'Мои собрания' }).waitFor());
  await assert.doesNotReject(teacher.page.getByText('Собраний пока нет.').waitFor());
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: 'Запланировать собрание' }).click()]);
  // The class teacher's one class is offered, ticked.
  const classBox = teacher.page.locator('.choice-group input[type=checkbox]');
  assert.equal(await classBox.count(), 1);
  assert.equal(await classBox.isChecked(), true);
  await checkAccessibility(teacher.page, 'a new meeting');

  await teacher.page.getByLabel('Заголовок').fill('Итоги второй четверти');
  await teacher.page.getByLabel('Повестка').fill('Оценки за четверть.\n\nНовогодний праздник: кто поможет с ёлкой.');
  await teacher.page.getByLabel('Дата и время начала').fill('2026-12-10T18:30');
  await teacher.page.getByLabel('Продолжительность').selectOption({ label: '1 ч 30 мин' });
  await teacher.page.getByLabel('Место (кабинет)').fill('Кабинет 12');
  await teacher.page.getByLabel('Ответить до').fill('2026-12-09T20:00');
  await screenshot(teacher.page, 'teacher-new-meeting', WIDTHS[1]);
  await teacher.page.setViewportSize({ width: WIDTHS[0], height: 900 });
  await screenshot(teacher.page, 'teacher-new-meeting', WIDTHS[0]);
  await teacher.page.setViewportSize({ width: WIDTHS[1], height: 900 });
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('button', { name: 'Запланировать и пригласить' }).click()]);
  await assert.doesNotReject(teacher.page.getByRole('heading', { level: 1, name: 'Итоги второй четверти' }).waitFor());
  await assert.doesNotReject(teacher.page.getByText('Четверг, 10 декабря, 18:30–20:00').waitFor());
  await invited(teacher.page);
  const meetingUrl = teacher.page.url();

  const parent = await open(run.browser, WIDTHS[0]);
  await signIn(parent.page, run.suite.url, LOGINS.parent);
  await Promise.all([parent.page.waitForNavigation(), parent.page.getByRole('link', { name: 'Собрания', exact: true }).click()]);
  assert.equal(await parent.page.getByRole('link', { name: 'Запланировать собрание' }).count(), 0);
  const card = parent.page.locator('li.meeting', { hasText: 'Итоги второй четверти' });
  await assert.doesNotReject(card.waitFor());
  assert.match(await card.textContent(), /Четверг, 10 декабря, 18:30–20:00/);
  assert.match(await card.textContent(), /Вы ещё не ответили/);
  await checkAccessibility(parent.page, 'a family\'s meetings');
  await screenshot(parent.page, 'parent-meetings', WIDTHS[0]);
  await card.getByLabel('Комментарий (необязательно)').fill('Придём вдвоём, можем помочь с ёлкой');
  await Promise.all([parent.page.waitForNavigation(), card.getByRole('button', { name: 'Приду' }).click()]);
  await assert.doesNotReject(card.getByText('Приду', { exact: true }).first().waitFor());
  assert.match(await card.textContent(), /Ваш ответ: Приду/);
  await screenshot(parent.page, 'parent-meetings-replied', WIDTHS[0]);
  await parent.page.setViewportSize({ width: WIDTHS[1], height: 900 });
  await screenshot(parent.page, 'parent-meetings-replied', WIDTHS[1]);
  await parent.page.setViewportSize({ width: WIDTHS[0], height: 900 });
  await Promise.all([parent.page.waitForNavigation(), card.getByRole('link', { name: 'Итоги второй четверти' }).click()]);
  await assert.doesNotReject(parent.page.getByText('Новогодний праздник: кто поможет с ёлкой.').waitFor());
  assert.equal(await parent.page.getByText('Отменить собрание').count(), 0);
  await checkAccessibility(parent.page, 'a meeting a family is invited to');
  await screenshot(parent.page, 'parent-meeting', WIDTHS[0]);
  await parent.context.close();

  await teacher.page.goto(meetingUrl);
  await assert.doesNotReject(teacher.page.getByText('Придут: 1', { exact: true }).waitFor());
  const family = teacher.page.locator('h3.reply-word.accepted + ul.families li.family');
  assert.match(await family.textContent(), /Петров Иван Алексеевич — Петров Алексей Николаевич/);
  assert.match(await family.textContent(), /«Придём вдвоём, можем помочь с ёлкой»/);
  await checkAccessibility(teacher.page, 'the organizer\'s meeting');
  await screenshot(teacher.page, 'teacher-meeting', WIDTHS[1]);
  await teacher.page.setViewportSize({ width: WIDTHS[0], height: 900 });
  for (const summary of await teacher.page.locator('details > summary').all()) await summary.click();
  await checkAccessibility(teacher.page, 'the organizer\'s forms');
  await screenshot(teacher.page, 'teacher-meeting', WIDTHS[0]);
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: /Ко всем собраниям/ }).click()]);
  await assert.doesNotReject(teacher.page.locator('li.meeting', { hasText: 'Не ответили' }).waitFor());
  await screenshot(teacher.page, 'teacher-meetings', WIDTHS[0]);

  // Cancelled, it stays on the other family's list, marked, with the reason.
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: 'Итоги второй четверти' }).click()]);
  await teacher.page.getByText('Отменить собрание', { exact: true }).first().click();
  await teacher.page.getByLabel('Причина (её увидят родители)').fill('Карантин по гриппу в 5А');
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('button', { name: 'Отменить собрание' }).click()]);
  await assert.doesNotReject(teacher.page.getByText('Отменено. Причина: Карантин по гриппу в 5А').waitFor());
  await teacher.context.close();
  const other = await open(run.browser, WIDTHS[0]);
  await signIn(other.page, run.suite.url, LOGINS.parent2);
  await other.page.goto(`${run.suite.url}/meetings`);
  const cancelled = other.page.locator('li.meeting.cancelled', { hasText: 'Итоги второй четверти' });
  await assert.doesNotReject(cancelled.waitFor());
  assert.match(await cancelled.textContent(), /Отменено\. Причина: Карантин по гриппу в 5А/);
  assert.equal(await cancelled.getByRole('button', { name: 'Приду' }).count(), 0);
  await checkAccessibility(other.page, 'a cancelled meeting on a family\'s list');
  await screenshot(other.page, 'parent-meetings-cancelled', WIDTHS[0]);
  await other.context.close();
});
