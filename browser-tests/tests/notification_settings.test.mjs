// A parent opens the notification settings from the notifications page,
// chooses the daily digest for new marks and later quiet hours with the
// keyboard alone, saves, and finds them kept. With a second child linked,
// the page on a phone has a section per child, fits its width, and saving
// one child's section keeps that child's difference. A student the school
// has no e-mail address for is told so above the choices.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

/// Presses Tab until `locator` has the focus: the keyboard's own way there.
async function tabTo(page, locator) {
  for (let presses = 0; presses < 100; presses += 1) {
    await page.keyboard.press('Tab');
    if (await locator.evaluate((element) => element === document.activeElement)) return;
  }
  assert.fail('Tab never reached the field');
}

test('a parent chooses the digest and quiet hours with the keyboard', async () => {
  const { context, page } = await open(run.browser, WIDTHS[1]);
  await signIn(page, run.suite.url, LOGINS.parent);
  await page.goto(`${run.suite.url}/notifications`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Настройки уведомлений' }).click()]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Настройки уведомлений' }).waitFor());
  const newMark = page.getByRole('combobox', { name: 'Новая оценка На почту' });
  assert.equal(await newMark.inputValue(), 'off');
  assert.equal(await page.getByRole('checkbox', { name: 'Новая оценка В приложении' }).isChecked(), true);
  await checkAccessibility(page, 'notification settings');

  await tabTo(page, newMark);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await newMark.inputValue(), 'digest');
  // Arrows step the hour whether the browser shows 24 hours or AM/PM.
  const from = page.getByLabel('с', { exact: true });
  await tabTo(page, from);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('30');
  await tabTo(page, page.getByLabel('до', { exact: true }));
  await page.keyboard.press('ArrowDown');
  assert.equal(await from.inputValue(), '22:30');
  assert.equal(await page.getByLabel('до', { exact: true }).inputValue(), '07:00');
  await tabTo(page, page.getByRole('button', { name: 'Сохранить', exact: true }));
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

  await assert.doesNotReject(page.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor());
  assert.equal(await newMark.inputValue(), 'digest');
  assert.equal(await from.inputValue(), '22:30');
  assert.equal(await page.getByLabel('до', { exact: true }).inputValue(), '07:00');
  assert.equal(await page.getByLabel('Без тихих часов').isChecked(), false);
  await checkAccessibility(page, 'saved notification settings');
  await screenshot(page, 'notification-settings', WIDTHS[1]);
  await context.close();
});

test('a parent of two children sets one child apart on a phone', async () => {
  assert.ok(run.suite.accessCode, 'the suite printed an access code');
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.parent);
  await page.goto(`${run.suite.url}/children/link`);
  await page.getByLabel('Код доступа').fill(run.suite.accessCode);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Добавить' }).click()]);
  await Promise.all([page.waitForNavigation(), page.locator('a.who').click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Настройки уведомлений' }).click()]);

  await assert.doesNotReject(page.getByRole('heading', { level: 2, name: 'Для всех детей' }).waitFor());
  const sections = page.locator('details', { hasText: 'Отдельно для ребёнка:' });
  assert.equal(await sections.count(), 2);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= WIDTHS[0], `the page fits a phone: ${width}px`);
  await checkAccessibility(page, 'settings of a guardian of two children');

  const second = sections.nth(1);
  await second.locator('summary').focus();
  await page.keyboard.press('Enter');
  const finals = second.getByRole('combobox', { name: 'Итоговая оценка На почту' });
  await finals.focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await finals.inputValue(), 'at_once');
  const opened = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(opened <= WIDTHS[0], `an open section fits a phone: ${opened}px`);
  await screenshot(page, 'notification-settings-children', WIDTHS[0]);
  await Promise.all([page.waitForNavigation(), second.getByRole('button', { name: 'Сохранить для ребёнка' }).click()]);

  await assert.doesNotReject(page.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor());
  const saved = page.locator('details[open]', { hasText: 'есть отличия' });
  assert.equal(await saved.count(), 1, 'the saved child is open and marked');
  assert.equal(await saved.getByRole('combobox', { name: 'Итоговая оценка На почту' }).inputValue(), 'at_once');
  assert.equal(await page.locator('details', { hasText: 'есть отличия' }).count(), 1, 'the other child follows everyone');
  await checkAccessibility(page, 'a child set apart');
  await screenshot(page, 'notification-settings-saved', WIDTHS[0]);
  await context.close();
});

test('a student without an e-mail address is told why nothing is e-mailed', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.student);
  await page.goto(`${run.suite.url}/settings/notifications`);
  const notice = page.locator('#email-unknown');
  await assert.doesNotReject(notice.waitFor());
  assert.match(await notice.textContent(), /У школы нет адреса вашей электронной почты/);
  const select = page.getByRole('combobox', { name: 'Домашнее задание На почту' });
  assert.equal(await select.getAttribute('aria-describedby'), 'email-unknown');
  assert.equal(await page.locator('details').count(), 0, 'no children, no sections');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= WIDTHS[0], `the page fits a phone: ${width}px`);
  await checkAccessibility(page, 'settings without an e-mail address');
  await screenshot(page, 'notification-settings-no-email', WIDTHS[0]);

  // The choice is saved all the same.
  await select.selectOption('at_once');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Сохранить', exact: true }).click()]);
  await assert.doesNotReject(page.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor());
  assert.equal(await select.inputValue(), 'at_once');
  await context.close();
});
