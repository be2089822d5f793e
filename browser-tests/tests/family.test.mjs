// A family's evening: sign in, read the week, open a mark and mark it seen;
// a new guardian signs up with the school's access code; nobody reads a
// child that is not theirs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

test('a guardian reads the week, opens a mark and marks it seen', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.parent);
  assert.match(new URL(page.url()).pathname, /^\/diary\/[0-9a-f-]{36}$/);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /Дневник/ }).waitFor());
  assert.ok(await page.locator('.day').count() >= 5, 'a school week has five days or more');
  await checkAccessibility(page, 'the week');
  await screenshot(page, 'family-week', WIDTHS[0]);
  const week = page.url();

  const newMarks = await page.locator('.badge').count();
  assert.ok(newMarks > 0, 'the demo week has marks the family has not seen');
  const firstNew = page.locator('li:has(.badge) a.mark').first();
  const value = (await firstNew.textContent()).trim();
  await Promise.all([page.waitForNavigation(), firstNew.click()]);
  assert.match(new URL(page.url()).pathname, /^\/marks\//);
  await assert.doesNotReject(page.getByRole('heading', { level: 2, name: 'История изменений' }).waitFor());
  assert.equal((await page.locator('h1 .mark').textContent()).trim(), value);
  await checkAccessibility(page, 'a mark');
  await screenshot(page, 'family-mark', WIDTHS[0]);

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Отметить как просмотренную' }).click()]);
  assert.equal(await page.getByRole('button', { name: 'Отметить как просмотренную' }).count(), 0);
  assert.ok(await page.getByText('Просмотрена').count() > 0);
  await page.goto(week);
  assert.equal(await page.locator('.badge').count(), newMarks - 1, 'one mark fewer is new');
  await context.close();
});

test('the week reads well on a desktop and in English', async () => {
  const { context, page } = await open(run.browser, WIDTHS[1], 'en-GB');
  await signIn(page, run.suite.url, LOGINS.parent);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /Diary/ }).waitFor());
  await checkAccessibility(page, 'the week in English');
  await screenshot(page, 'family-week-en', WIDTHS[1]);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Русский' }).click()]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /Дневник/ }).waitFor());
  await screenshot(page, 'family-week', WIDTHS[1]);
  await context.close();
});

test('another family cannot open this child, and learns nothing', async () => {
  const own = await open(run.browser, WIDTHS[0]);
  await signIn(own.page, run.suite.url, LOGINS.parent);
  const childDiary = own.page.url();
  assert.equal((await own.page.goto(childDiary)).status(), 200);
  await own.context.close();

  const other = await open(run.browser, WIDTHS[0]);
  await signIn(other.page, run.suite.url, LOGINS.parent2);
  const refused = await other.page.goto(childDiary);
  assert.equal(refused.status(), 404);
  await assert.doesNotReject(other.page.getByRole('heading', { level: 1, name: 'Страница не найдена' }).waitFor());
  const unknown = await other.page.goto(`${run.suite.url}/diary/${crypto.randomUUID()}`);
  assert.equal(unknown.status(), 404);
  assert.equal(await other.page.locator('main').textContent(), await (async () => {
    await other.page.goto(childDiary);
    return other.page.locator('main').textContent();
  })(), 'a refused child and an unknown one read the same');
  await checkAccessibility(other.page, 'the refusal');
  await other.context.close();
});

test('a new guardian signs up with the access code and sees the child', async () => {
  assert.ok(run.suite.accessCode, 'the suite printed an access code');
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await page.goto(`${run.suite.url}/sign-up`);
  await checkAccessibility(page, 'sign-up');
  const fill = async (code) => {
    await page.getByLabel('Код доступа').fill(code);
    await page.getByLabel('Фамилия').fill('Белова');
    await page.getByLabel('Имя', { exact: true }).fill('Анна');
    await page.getByLabel('Придумайте логин').fill('belova');
    await page.getByLabel(/Придумайте пароль/).fill('my-own-password');
  };
  await fill('WRONG-CODE1-XXXXX');
  const [refused] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Зарегистрироваться' }).click(),
  ]);
  assert.equal(refused.status(), 400);
  assert.equal(await page.getByLabel('Код доступа').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Фамилия').inputValue(), 'Белова', 'what was typed is kept');
  await checkAccessibility(page, 'a refused sign-up');
  await screenshot(page, 'sign-up-refused', WIDTHS[0]);

  await fill(run.suite.accessCode);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Зарегистрироваться' }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/diary\/[0-9a-f-]{36}$/);
  assert.equal(await page.locator('.who').textContent(), 'Белова Анна');
  await context.close();
});

test('marks by subject: the average, how it is counted, and what it takes', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.parent);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Предметы', exact: true }).click()]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /Оценки по предметам/ }).waitFor());
  const cards = page.locator('section.card');
  assert.ok(await cards.count() > 3, 'the demo has marks in several subjects');
  assert.match(await cards.first().locator('.average').textContent(), /\d,\d\d/, 'a decimal comma');
  await checkAccessibility(page, 'marks by subject');
  await screenshot(page, 'family-subjects', WIDTHS[0]);

  const second = cards.nth(1);
  const subject = (await second.locator('h2').textContent()).trim();
  await second.getByLabel('Что нужно, чтобы получить').selectOption('5');
  await Promise.all([page.waitForNavigation(), second.getByRole('button', { name: 'Узнать' }).click()]);
  const answered = page.locator('section.card', { has: page.getByRole('heading', { name: subject }) });
  await assert.doesNotReject(answered.locator('.answer').waitFor());
  assert.match(await answered.locator('.answer').textContent(), /«5»/);
  await checkAccessibility(page, 'a what-if answer');
  await context.close();
});

test('attendance and final marks of the period, on a phone', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.parent);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Посещаемость' }).click()]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /Посещаемость/ }).waitFor());
  assert.ok(await page.locator('ol.absences li').count() > 0, 'the demo child missed a lesson or came late');
  assert.match(await page.locator('ol.absences li strong').first().textContent(), /^\d{1,2} [а-я]+ \d{4}$/, 'a Russian date');
  await checkAccessibility(page, 'attendance');
  await screenshot(page, 'family-attendance', WIDTHS[0]);

  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Итоговые' }).click()]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /Итоговые/ }).waitFor());
  await checkAccessibility(page, 'final marks');
  await screenshot(page, 'family-finals', WIDTHS[0]);
  await context.close();
});
