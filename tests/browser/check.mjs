// Drives Debian's chromium (never a downloaded browser) over a running arshif server.
//
//   node check.mjs BASE_URL OUT_DIR PAGES_JSON
//
// PAGES_JSON is [{"name": "index", "path": "./"}, ...]. For each page, at 1280 px and 375 px
// wide (and 375 px in dark mode): the computed direction is rtl, nothing scrolls sideways,
// the Noto Naskh Arabic web font loaded, and axe-core finds no serious or critical
// violation. A full-page screenshot of each goes to OUT_DIR. Exits 1 on any failure.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const [base, outDir, pagesJson] = process.argv.slice(2);
if (!base || !outDir || !pagesJson) {
  console.error('usage: node check.mjs BASE_URL OUT_DIR PAGES_JSON');
  process.exit(2);
}
const pages = JSON.parse(pagesJson);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const FAMILY = 'Noto Naskh Arabic';
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

const failures = [];
const views = [
  { width: 1280, height: 900, scheme: 'light' },
  { width: 375, height: 812, scheme: 'light' },
  { width: 375, height: 812, scheme: 'dark' },
];
try {
  for (const view of views) {
    // bypassCSP lets axe be injected even once the site sends a strict CSP (issue 4).
    const context = await browser.newContext({
      viewport: { width: view.width, height: view.height },
      colorScheme: view.scheme,
      bypassCSP: true,
    });
    const page = await context.newPage();
    for (const { name, path, status = 200 } of pages) {
      const label = `${name} @${view.width}px ${view.scheme}`;
      const fail = (what) => failures.push(`${label}: ${what}`);
      const response = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
      if (response.status() !== status) fail(`status ${response.status()}, expected ${status}`);
      await page.evaluate(() => document.fonts.ready);
      const facts = await page.evaluate((family) => ({
        htmlDir: getComputedStyle(document.documentElement).direction,
        mainDir: getComputedStyle(document.querySelector('main')).direction,
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        faces: [...document.fonts]
          .filter((f) => f.family.replace(/["']/g, '') === family)
          .map((f) => `${f.weight}:${f.status}`),
        check: document.fonts.check(`20px "${family}"`, 'أرشيف'),
        h1Font: getComputedStyle(document.querySelector('h1')).fontFamily,
      }), FAMILY);
      if (facts.htmlDir !== 'rtl' || facts.mainDir !== 'rtl') {
        fail(`direction is ${facts.htmlDir}/${facts.mainDir}, not rtl`);
      }
      if (facts.scrollWidth > facts.clientWidth) {
        fail(`scrolls sideways: scrollWidth ${facts.scrollWidth} > clientWidth ${facts.clientWidth}`);
      }
      if (!facts.check || !facts.faces.includes('400:loaded')) {
        fail(`web font not loaded: check=${facts.check}, faces=${facts.faces.join(',')}`);
      }
      if (!facts.h1Font.includes(FAMILY)) fail(`h1 is set in ${facts.h1Font}`);

      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
        }));
      });
      for (const v of violations) {
        const line = `axe ${v.impact} ${v.id}: ${v.help} [${v.nodes.join('; ')}]`;
        if (v.impact === 'serious' || v.impact === 'critical') fail(line);
        else console.log(`${label}: (minor) ${line}`);
      }
      await page.screenshot({
        path: `${outDir}/${name}-${view.width}-${view.scheme}.png`,
        fullPage: true,
      });
      console.log(`${label}: checked (${JSON.stringify(facts)})`);
    }
    await context.close();
  }
} finally {
  await browser.close();
}

if (failures.length > 0) {
  console.error(`${failures.length} browser check(s) failed:`);
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
console.log('all browser checks passed');
