// One accessibility audit that every page test calls: axe with the WCAG 2.2
// A and AA rules, and no violation allowed.
//
// axe is itself a script, so it cannot run in a page with JavaScript off. For
// that project the audit opens the same URL in a fresh context whose page
// scripts are blocked, which is the server-rendered HTML a visitor without
// JavaScript gets, and audits that.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function expectAccessible(page: Page) {
  const javaScriptOff = test.info().project.use.javaScriptEnabled === false;
  let target = page;
  if (javaScriptOff) {
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser to open an audit context in');
    // The same cookies: a signed-in page is audited signed in.
    const context = await browser.newContext({
      javaScriptEnabled: true,
      storageState: await page.context().storageState(),
    });
    await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    target = await context.newPage();
    await target.goto(page.url());
  }
  try {
    const results = await new AxeBuilder({ page: target }).withTags(RULES).analyze();
    const summary = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
    );
    expect(summary, 'accessibility violations').toEqual([]);
  } finally {
    if (javaScriptOff) await target.context().close();
  }
}
