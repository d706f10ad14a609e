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
    expect(await overflowAtPhoneWidth(target), `content of ${new URL(target.url()).pathname} wider than a 320 px screen`).toEqual([]);
  } finally {
    if (javaScriptOff) await target.context().close();
  }
}

// WCAG 1.4.10 Reflow: at 320 CSS pixels wide the page does not scroll
// sideways. A table or code wider than that scrolls inside its own box. The
// answer names the outermost elements that reach past the screen's edge.
async function overflowAtPhoneWidth(page: Page): Promise<string[]> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 320, height: before?.height ?? 720 });
  try {
    return await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      const clipped = (el: Element | null): boolean => {
        for (let at = el; at && at !== document.body; at = at.parentElement) {
          if (getComputedStyle(at).overflowX !== 'visible') return true;
        }
        return false;
      };
      const name = (el: Element) =>
        el.tagName.toLowerCase() +
        (el.id ? `#${el.id}` : '') +
        [...el.classList].map((c) => `.${c}`).join('') +
        ` "${(el.textContent ?? '').trim().slice(0, 40)}"`;
      const wide = [...document.body.querySelectorAll('*')].filter(
        (el) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el.parentElement),
      );
      const outermost = wide.filter((el) => !wide.some((other) => other !== el && other.contains(el)));
      const named = outermost.slice(0, 5).map((el) => `${name(el)}: ${Math.round(el.getBoundingClientRect().right)} px`);
      return named.length > 0 ? named : [`html: ${document.documentElement.scrollWidth} px`];
    });
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
