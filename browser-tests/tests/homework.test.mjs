// A student hands in homework with a file from the diary; the teacher
// opens the answers from the lesson's homework and marks the work; the
// student reads the mark.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGINS } from '../lib/suite.mjs';
import { WIDTHS, checkAccessibility, open, screenshot, signIn } from '../lib/browser.mjs';
import { suiteAndBrowser } from '../lib/setup.mjs';

const run = suiteAndBrowser();

/// The first homework of the demo teacher's lessons that asks for an
/// answer, this week or the one before.
async function openHomeworkOfDemoTeacher(page) {
  for (let weeksBack = 0; weeksBack < 3; weeksBack += 1) {
    const link = page.locator('li.lesson:has(.meta:text("Иванова")) a', { hasText: 'Открыть задание' }).first();
    if (await link.count() > 0) {
      await Promise.all([page.waitForNavigation(), link.click()]);
      return;
    }
    await Promise.all([page.waitForNavigation(), page.locator('a[rel=prev]').click()]);
  }
  assert.fail('no homework to hand in among the demo teacher\'s lessons');
}

test('a student hands in a file; the teacher marks it; the student reads the mark', async () => {
  const student = await open(run.browser, WIDTHS[0]);
  await signIn(student.page, run.suite.url, LOGINS.student);
  await openHomeworkOfDemoTeacher(student.page);
  const homework = new URL(student.page.url());
  assert.match(homework.pathname, /^\/diary\/[0-9a-f-]{36}\/homework\/[0-9a-f-]{36}$/);
  await checkAccessibility(student.page, 'a homework to hand in');

  await student.page.getByLabel('Текст ответа').fill('Решение во вложении.');
  await student.page.getByLabel('Файлы').setInputFiles({
    name: 'reshenie.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Задача 1: ответ 42.\n'),
  });
  await Promise.all([student.page.waitForNavigation(), student.page.getByRole('button', { name: 'Сдать работу' }).click()]);
  await assert.doesNotReject(student.page.getByText('сдано', { exact: true }).waitFor());
  await assert.doesNotReject(student.page.getByRole('link', { name: 'reshenie.txt' }).waitFor());
  // Handed in: the form to change the answer is folded away until asked for.
  assert.equal(await student.page.getByRole('button', { name: 'Сдать снова' }).count(), 0);
  await student.page.getByText('Изменить ответ').click();
  assert.equal(await student.page.getByRole('button', { name: 'Сдать снова' }).count(), 1);
  await checkAccessibility(student.page, 'a homework handed in');
  await screenshot(student.page, 'student-homework', WIDTHS[0]);

  const teacher = await open(run.browser, WIDTHS[1]);
  await signIn(teacher.page, run.suite.url, LOGINS.teacher);
  const homeworkId = homework.pathname.split('/')[4];
  await teacher.page.goto(`${run.suite.url}/teaching/homework/${homeworkId}${homework.search}`);
  await assert.doesNotReject(teacher.page.getByRole('heading', { level: 1, name: /Сданные работы/ }).waitFor());
  await assert.doesNotReject(teacher.page.getByRole('link', { name: 'reshenie.txt' }).waitFor());
  await checkAccessibility(teacher.page, 'the answers to a homework');
  await screenshot(teacher.page, 'teacher-submissions', WIDTHS[1]);
  // The keyboard alone: the mark, the comment, then the button.
  await teacher.page.getByLabel('Оценка', { exact: true }).first().focus();
  await teacher.page.keyboard.type('5');
  await teacher.page.keyboard.press('Tab');
  await teacher.page.keyboard.type('Молодец');
  await Promise.all([teacher.page.waitForNavigation(), teacher.page.keyboard.press('Enter')]);
  await assert.doesNotReject(teacher.page.getByRole('link', { name: 'Оценка в журнале' }).waitFor());
  await teacher.context.close();

  await student.page.reload();
  await assert.doesNotReject(student.page.getByText('проверено', { exact: true }).waitFor());
  await Promise.all([student.page.waitForNavigation(), student.page.locator('.facts a.mark').click()]);
  assert.equal((await student.page.locator('h1 .mark').textContent()).trim(), '5');
  await student.context.close();
});
