// One's own account: a lost phone's session ended from another device with
// the password, and a new password that ends every other session.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

test('a session on a lost phone is ended from the computer, with the password', async () => {
  const phone = await open(run.browser, WIDTHS[0]);
  await signIn(phone.page, run.suite.url, LOGINS.student);
  const computer = await open(run.browser, WIDTHS[1]);
  await signIn(computer.page, run.suite.url, LOGINS.student);
  await Promise.all([computer.page.waitForNavigation(), computer.page.locator('a.who').click()]);
  assert.equal(new URL(computer.page.url()).pathname, '/account');
  const others = computer.page.locator('.sessions li', { hasNot: computer.page.locator('.badge') });
  assert.equal(await others.count(), 1, 'one other session: the phone');
  await checkAccessibility(computer.page, 'the account');
  await screenshot(computer.page, 'account', WIDTHS[1]);

  // A wrong password ends nothing.
  await others.first().getByLabel('Пароль для подтверждения').fill('not-the-password');
  const [refused] = await Promise.all([
    computer.page.waitForNavigation(),
    others.first().getByRole('button', { name: 'Завершить этот сеанс' }).click(),
  ]);
  assert.equal(refused.status(), 400);
  await assert.doesNotReject(computer.page.getByRole('alert').getByText('неверный пароль').waitFor());
  assert.equal((await phone.page.goto(`${run.suite.url}/`)).status(), 200);
  assert.match(new URL(phone.page.url()).pathname, /^\/diary\//, 'the phone is still signed in');

  const again = computer.page.locator('.sessions li', { hasNot: computer.page.locator('.badge') });
  await again.first().getByLabel('Пароль для подтверждения').fill(LOGINS.student[1]);
  await Promise.all([
    computer.page.waitForNavigation(),
    again.first().getByRole('button', { name: 'Завершить этот сеанс' }).click(),
  ]);
  await assert.doesNotReject(computer.page.getByText('Сеанс завершён.').waitFor());
  await phone.page.goto(`${run.suite.url}/`);
  assert.equal(new URL(phone.page.url()).pathname, '/sign-in', 'the phone must sign in again');
  await phone.context.close();
  await computer.context.close();
});

test('every page has a way out: signing out ends the session', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.parent);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Выйти' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await page.goto(`${run.suite.url}/account`);
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await context.close();
});
