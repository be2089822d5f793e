// A test file's one-command suite and browser: started before its tests,
// stopped after them, whatever happened.
import { after, before } from 'node:test';
import { startSuite } from './suite.mjs';
import { launch } from './browser.mjs';

/// `{ suite, browser }`, filled in before the file's first test.
export function suiteAndBrowser() {
  const running = {};
  before(async () => {
    running.suite = await startSuite();
    running.browser = await launch();
  });
  after(async () => {
    await running.browser?.close();
    await running.suite?.stop();
  });
  return running;
}
