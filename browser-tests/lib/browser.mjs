// Debian's Chromium driven by playwright-core (which never downloads a
// browser of its own), axe-core on every page a test visits, and
// screenshots at a phone's and a desktop's width.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const WIDTHS = [360, 1280];
const SCREENSHOTS = join(process.cwd(), 'screenshots');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/// A fresh browser profile (no cookies) at `width`, Russian first.
export async function open(browser, width, locale = 'ru-RU') {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale });
  const page = await context.newPage();
  return { context, page };
}

/// Zero WCAG 2.2 A/AA violations on the page as it is now.
export async function checkAccessibility(page, what) {
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `axe on ${what} (${page.url()})`);
}

/// A full-page screenshot, named by test and width; prints its path.
export async function screenshot(page, name, width) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}-${width}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}

export async function signIn(page, base, [login, password]) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel(/Логин|Login/).fill(login);
  await page.getByLabel(/Пароль|Password/).fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Войти|Sign in/ }).click()]);
}

/// Presses Tab until the focus is in the journal grid: the keyboard's own
/// way in.
export async function tabIntoGrid(page) {
  for (let presses = 0; presses < 400; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.matches('td.cell'))) return;
  }
  assert.fail('Tab never reached the grid');
}
