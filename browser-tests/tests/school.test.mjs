// The school's side: the administrator prints a class's access codes, and
// a new guardian signs up with one of them and reads that child's diary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

test('an administrator prints a class\'s access codes and a new guardian uses one', async () => {
  const admin = await open(run.browser, WIDTHS[1]);
  const page = admin.page;
  await signIn(page, run.suite.url, LOGINS.admin);
  await checkAccessibility(page, 'the staff start page');
  await Promise.all([page.waitForNavigation(), page.locator('a.area[href="/city"]').click()]);
  await checkAccessibility(page, 'the city page');
  await assert.doesNotReject(page.getByRole('heading', { level: 2, name: 'Журнал действий города' }).waitFor());
  await screenshot(page, 'city', WIDTHS[1]);
  await Promise.all([page.waitForNavigation(), page.locator('a[href$="/admin"]').first().click()]);
  assert.match(new URL(page.url()).pathname, /^\/school\/[0-9a-f-]{36}\/admin$/);
  await checkAccessibility(page, 'the school administration');
  await Promise.all([page.waitForNavigation(), page.locator('main a[href*="/admin/classes/"]').first().click()]);
  await checkAccessibility(page, 'a class');
  await screenshot(page, 'admin-class', WIDTHS[1]);
  await Promise.all([page.waitForNavigation(), page.locator('form[action$="/codes"] button').click()]);
  const cards = page.locator('.code-card');
  assert.ok(await cards.count() >= 20, 'a card per student of the class');
  await checkAccessibility(page, 'the sheet of codes');
  await screenshot(page, 'admin-codes', WIDTHS[1]);
  const student = (await cards.first().locator('.card-student').textContent()).trim();
  const code = (await cards.first().locator('.code').textContent()).trim();
  await admin.context.close();

  const guardian = await open(run.browser, WIDTHS[0]);
  await guardian.page.goto(`${run.suite.url}/sign-up`);
  await guardian.page.getByLabel('Код доступа').fill(code);
  await guardian.page.getByLabel('Фамилия').fill('Орлова');
  await guardian.page.getByLabel('Имя', { exact: true }).fill('Вера');
  await guardian.page.getByLabel('Придумайте логин').fill('orlova');
  await guardian.page.getByLabel(/Придумайте пароль/).fill('orlova-own-password');
  await Promise.all([
    guardian.page.waitForNavigation(),
    guardian.page.getByRole('button', { name: 'Зарегистрироваться' }).click(),
  ]);
  assert.match(new URL(guardian.page.url()).pathname, /^\/diary\/[0-9a-f-]{36}$/);
  const heading = await guardian.page.locator('h1').textContent();
  const family = student.split(' ')[0];
  assert.ok(heading.includes(family), `${heading} names ${student}`);
  await guardian.context.close();
});

test('a teacher is refused the administration, which the administrator opens', async () => {
  const admin = await open(run.browser, WIDTHS[0]);
  await signIn(admin.page, run.suite.url, LOGINS.admin);
  await admin.page.goto(`${run.suite.url}/city`);
  const schoolAdmin = await admin.page.locator('a[href$="/admin"]').first().getAttribute('href');
  assert.equal((await admin.page.goto(`${run.suite.url}${schoolAdmin}`)).status(), 200);
  await admin.context.close();

  const teacher = await open(run.browser, WIDTHS[0]);
  await signIn(teacher.page, run.suite.url, LOGINS.teacher);
  assert.equal((await teacher.page.goto(`${run.suite.url}${schoolAdmin}`)).status(), 404);
  assert.equal((await teacher.page.goto(`${run.suite.url}/city`)).status(), 404);
  await teacher.context.close();
});

test('the administrator keeps the teaching load, a student\'s guardians and the diary vendors', async () => {
  const { page, context } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.admin);
  await page.goto(`${run.suite.url}/city`);
  await page.locator('#vendor-name').fill('Дневник Плюс');
  await page.locator('input[name="scope_roster"]').check();
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/city/vendors"] button').click()]);
  const schoolAdmin = await page.locator('a[href$="/admin"]').first().getAttribute('href');

  // «Нагрузка»: the classes × subjects table; one assignment removed.
  await page.goto(`${run.suite.url}${schoolAdmin}`);
  await Promise.all([page.waitForNavigation(), page.locator('a[href$="/admin/assignments"]').click()]);
  await checkAccessibility(page, 'the teaching load');
  await screenshot(page, 'admin-load', WIDTHS[0]);
  const removes = page.locator('form[action$="/remove"]');
  const assigned = await removes.count();
  assert.ok(assigned > 0, 'the demo school teaches something');
  await Promise.all([page.waitForNavigation(), removes.first().locator('button').click()]);
  assert.equal(await removes.count(), assigned - 1);

  // A student's «Родители»: a new guardian registered and linked.
  await page.goto(`${run.suite.url}${schoolAdmin}`);
  await Promise.all([page.waitForNavigation(), page.locator('main a[href*="/admin/classes/"]').first().click()]);
  await Promise.all([page.waitForNavigation(), page.locator('table.roster tbody th a').first().click()]);
  await page.getByLabel('Фамилия').fill('Зайцева');
  await page.getByLabel('Имя', { exact: true }).fill('Ольга');
  await Promise.all([page.waitForNavigation(), page.locator('form:has(#family_name) button').click()]);
  assert.ok(await page.locator('.person strong', { hasText: 'Зайцева Ольга' }).count() === 1);
  await checkAccessibility(page, 'a student and their guardians');
  await screenshot(page, 'admin-student', WIDTHS[0]);

  // «Поставщики дневников»: granted, then withdrawn once confirmed.
  await page.goto(`${run.suite.url}${schoolAdmin}`);
  await Promise.all([page.waitForNavigation(), page.locator('a[href$="/admin/vendors"]').click()]);
  const vendor = page.locator('.person', { hasText: 'Дневник Плюс' });
  await Promise.all([page.waitForNavigation(), vendor.getByRole('button', { name: /Открыть доступ/ }).click()]);
  await checkAccessibility(page, 'the diary vendors');
  await screenshot(page, 'admin-vendors', WIDTHS[0]);
  await vendor.getByRole('checkbox').check();
  await Promise.all([page.waitForNavigation(), vendor.getByRole('button', { name: /Закрыть доступ/ }).click()]);
  assert.ok(await vendor.getByRole('button', { name: /Открыть доступ/ }).count() === 1);
  await context.close();
});

test('the administrator checks a OneRoster roster before loading it', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.admin);
  await Promise.all([page.waitForNavigation(), page.locator('a.area[href="/city"]').click()]);
  await Promise.all([page.waitForNavigation(), page.locator('a[href$="/admin"]').first().click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Загрузка состава (OneRoster)' }).click()]);
  await checkAccessibility(page, 'the roster files form');
  const csv = (text) => Buffer.from(text.trim().split('\n').map((line) => line.trim()).join('\n') + '\n');
  await page.getByLabel('Файлы', { exact: true }).setInputFiles([
    { name: 'users.csv', mimeType: 'text/csv', buffer: csv(`
      sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
      u-1,active,2026-09-01T00:00:00Z,true,org-1,student,,,Алиса,Громова,Петровна,,,,,,06,
      u-2,active,2026-09-01T00:00:00Z,true,org-1,pupil,,,Борис,Дымов,,,,,,,06,`) },
    { name: 'classes.csv', mimeType: 'text/csv', buffer: csv(`
      sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
      c-1,active,2026-09-01T00:00:00Z,6Б,06,,,homeroom,,org-1,,,,`) },
  ]);
  assert.ok(await page.getByLabel('Только проверить, ничего не записывая').isChecked(), 'checking is the default');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Загрузить' }).click()]);
  await assert.doesNotReject(page.getByRole('heading', { name: /Проверка/ }).waitFor());
  await assert.doesNotReject(page.getByText('users.csv, строка 3').waitFor());
  await checkAccessibility(page, 'a roster check with a refused row');
  await screenshot(page, 'admin-roster-check', WIDTHS[0]);
  await context.close();
});

test('the administrator issues a member of staff a login, shown once', async () => {
  const { context, page } = await open(run.browser, WIDTHS[0]);
  await signIn(page, run.suite.url, LOGINS.admin);
  await Promise.all([page.waitForNavigation(), page.locator('a.area[href="/city"]').click()]);
  await Promise.all([page.waitForNavigation(), page.locator('a[href$="/admin"]').first().click()]);
  await Promise.all([page.waitForNavigation(), page.locator('a[href$="/admin/staff"]').click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^Выдать логин: Морозова/ }).click()]);
  await checkAccessibility(page, 'the login form');
  await page.getByLabel('Логин', { exact: true }).fill('morozova.o');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Выдать логин и временный пароль' }).click()]);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Логин выдан' }).waitFor());
  const password = (await page.locator('.login-value').nth(1).textContent()).trim();
  assert.match(password, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await checkAccessibility(page, 'a login just issued');
  await screenshot(page, 'admin-login-issued', WIDTHS[0]);
  await context.close();

  // The teacher signs in with it and is asked for a password of her own.
  const teacher = await open(run.browser, WIDTHS[0]);
  await signIn(teacher.page, run.suite.url, ['morozova.o', password]);
  assert.equal(new URL(teacher.page.url()).pathname, '/account');
  await assert.doesNotReject(teacher.page.getByRole('heading', { level: 2, name: 'Смена пароля' }).waitFor());
  assert.equal(await teacher.page.locator('p.alert[role=alert]').count(), 1, 'a password of her own is asked for');
  await teacher.context.close();
});
