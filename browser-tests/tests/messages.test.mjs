// A parent writes to the child's teacher from the browser; the teacher
// finds the new message in the inbox, answers it; the parent reads the
// answer. The people offered are the child's teachers and the school's
// management, never another family.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

test('a parent and a teacher exchange messages', async () => {
  const teacher = await open(run.browser, WIDTHS[1]);
  await signIn(teacher.page, run.suite.url, LOGINS.teacher);
  const teacherName = (await teacher.page.locator('.who').textContent()).trim();

  const parent = await open(run.browser, WIDTHS[0]);
  await signIn(parent.page, run.suite.url, LOGINS.parent);
  await Promise.all([parent.page.waitForNavigation(), parent.page.getByRole('link', { name: 'Сообщения' }).click()]);
  await assert.doesNotReject(parent.page.getByText('Сообщений пока нет.').waitFor());
  await checkAccessibility(parent.page, 'an empty inbox');
  await Promise.all([parent.page.waitForNavigation(), parent.page.getByRole('link', { name: 'Написать' }).click()]);
  await assert.doesNotReject(parent.page.getByRole('heading', { level: 2, name: /^Об ученике: / }).waitFor());
  const offered = await parent.page.locator('.recipients .choice').allTextContents();
  assert.ok(offered.some((text) => text.includes('классный руководитель')), offered.join('\n'));
  assert.ok(offered.some((text) => text.includes('заместитель директора')), offered.join('\n'));
  assert.ok(offered.every((text) => !text.includes('администратор школы')), offered.join('\n'));
  await checkAccessibility(parent.page, 'a new message');

  // Sent with nobody ticked: refused, with what was written kept.
  await parent.page.getByLabel('Тема', { exact: true }).fill('Контрольная в четверг');
  await parent.page.getByLabel('Сообщение', { exact: true }).fill('Здравствуйте! Сын болел, можно ли написать контрольную позже?');
  await parent.page.getByRole('button', { name: 'Отправить' }).click();
  await assert.doesNotReject(parent.page.getByRole('alert').waitFor());
  assert.match(await parent.page.getByRole('alert').textContent(), /получатели/);
  assert.equal(await parent.page.getByLabel('Тема', { exact: true }).inputValue(), 'Контрольная в четверг');

  await parent.page.locator('.recipients .choice', { hasText: teacherName }).getByRole('checkbox').check();
  await screenshot(parent.page, 'parent-new-message', WIDTHS[0]);
  await Promise.all([parent.page.waitForNavigation(), parent.page.getByRole('button', { name: 'Отправить' }).click()]);
  await assert.doesNotReject(parent.page.getByRole('heading', { level: 1, name: 'Контрольная в четверг' }).waitFor());
  await assert.doesNotReject(parent.page.getByText('Сын болел').waitFor());

  // The teacher's inbox shows it as new; opening it reads it.
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.getByRole('link', { name: 'Сообщения' }).click()]);
  const thread = teacher.page.locator('li.thread.unread', { hasText: 'Контрольная в четверг' });
  await assert.doesNotReject(thread.waitFor());
  assert.match(await thread.textContent(), /непрочитанных: 1/);
  await checkAccessibility(teacher.page, 'an inbox with a new message');
  await screenshot(teacher.page, 'teacher-inbox', WIDTHS[1]);
  await Promise.all([teacher.page.waitForNavigation(), thread.getByRole('link').click()]);
  await assert.doesNotReject(teacher.page.getByText('Об ученике: Петров Иван').waitFor());
  // The keyboard alone: into the reply, then send.
  await teacher.page.getByLabel('Сообщение', { exact: true }).focus();
  await teacher.page.keyboard.type('Да, в пятницу после уроков.');
  await teacher.page.keyboard.press('Tab');
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.keyboard.press('Enter')]);
  await assert.doesNotReject(teacher.page.locator('.message.mine', { hasText: 'в пятницу' }).waitFor());
  await checkAccessibility(teacher.page, 'a thread');
  await screenshot(teacher.page, 'teacher-thread', WIDTHS[1]);
  await teacher.page.goto(`${run.suite.url}/messages`);
  assert.equal(await teacher.page.locator('li.thread.unread').count(), 0);
  await teacher.context.close();

  await parent.page.goto(`${run.suite.url}/messages`);
  const answered = parent.page.locator('li.thread.unread', { hasText: 'Контрольная в четверг' });
  await assert.doesNotReject(answered.waitFor());
  await Promise.all([parent.page.waitForNavigation(), answered.getByRole('link').click()]);
  await assert.doesNotReject(parent.page.locator('.message:not(.mine)', { hasText: 'в пятницу' }).waitFor());
  await screenshot(parent.page, 'parent-thread', WIDTHS[0]);

  // Archived, it leaves the inbox for the archive.
  await Promise.all([parent.page.waitForNavigation(), parent.page.getByRole('button', { name: 'В архив' }).click()]);
  await assert.doesNotReject(parent.page.getByText('Сообщений пока нет.').waitFor());
  await Promise.all([parent.page.waitForNavigation(), parent.page.getByRole('link', { name: 'Архив' }).click()]);
  await assert.doesNotReject(parent.page.locator('li.thread', { hasText: 'Контрольная в четверг' }).waitFor());
  await parent.context.close();
});
