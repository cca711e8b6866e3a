// The flow editor in a browser: Chromium (zh-CN) opens /flows of `lifecert serve`, logs in as an
// integrator (name + API token), and shows the lifecert palette and the whole shipped standard
// flow; the screenshot is docs/editor.png (the README's "Wire it yourself"). What the picture
// shows is asserted in the page: no tips box, tour, notification or dialog over anything; every
// node of the flow inside the visible canvas at a readable zoom and not covered; the lifecert
// palette category open, the others closed, each of its nodes inside the palette's visible area
// with its zh-CN label drawn in a CJK font.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../jobs/helpers.ts';
import { requireRedis, serversRequired } from '../support/servers.ts';
import { until } from '../support/until.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/lifecert.js');
const CHROMIUM = process.env.LIFECERT_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT = path.join(ROOT, 'docs/editor.png');
const FLOW_FILE = path.join(ROOT, 'flows/standard-monthly.json');
const exec = promisify(execFile);

type Rect = { left: number; top: number; right: number; bottom: number };
const inside = (r: Rect, area: Rect): boolean => r.left >= area.left && r.top >= area.top && r.right <= area.right && r.bottom <= area.bottom;
const show = (r: Rect): string => `[${Math.round(r.left)},${Math.round(r.top)} – ${Math.round(r.right)},${Math.round(r.bottom)}]`;

/** the palette label of each lifecert node that has one, from the zh-CN catalogs (the config nodes have none) */
function zhPaletteLabels(): Map<string, string> {
  const dir = path.join(ROOT, 'flows/nodes/locales/zh-CN');
  const labels = new Map<string, string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const catalog = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, { paletteLabel?: string }>;
    for (const [type, messages] of Object.entries(catalog)) if (messages.paletteLabel) labels.set(type, messages.paletteLabel);
  }
  return labels;
}

/** the fonts Chromium drew an element's text with (DevTools CSS.getPlatformFontsForNode) */
async function platformFonts(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    assert.ok(nodeId, `${selector} in the page`);
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => f.familyName);
  } finally {
    await cdp.detach();
  }
}

describe('the flow editor in Chromium', function () {
  this.timeout(300_000);
  requireRedis();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-editor-'));
  const prefix = uniquePrefix();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, LIFECERT_SECRET: 'editor-browser-secret', LIFECERT_DATA_DIR: path.join(dir, 'data'), LIFECERT_CONFIG: path.join(dir, 'lifecert.config.json'),
    REDIS_URL, LIFECERT_QUEUE_PREFIX: prefix, PORT: '0',
  };
  let serve: ChildProcess | undefined;
  let out = '';

  before(function () {
    if (!fs.existsSync(CHROMIUM)) {
      // like a missing server: skipped with the reason on a fresh machine, a failure in CI
      const why = `${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk fonts-liberation (.ci/run does it), or set LIFECERT_CHROMIUM`;
      if (serversRequired()) throw new Error(why);
      process.stderr.write(`skipping the browser tests: ${why}\n`);
      this.skip();
    }
  });

  after(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve?.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    await dropPrefix(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('logs in, shows the whole standard flow and the lifecert palette with nothing over them; screenshot in docs/editor.png', async () => {
    fs.writeFileSync(env.LIFECERT_CONFIG as string, JSON.stringify({ sources: {} }));
    const token = (await exec(process.execPath, [BIN, 'user', 'add', '--name', 'integrator', '--role', 'integrator', '--region', '44'], { env, cwd: dir })).stdout.trim();
    serve = spawn(process.execPath, [BIN, 'serve'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    serve.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    serve.stderr?.resume();
    const base = await until('serve listening', () => /listening on (http:\/\/[^ ]+) /.exec(out)?.[1], 60_000, 250);
    const admin = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // the standard flow deployed through the admin API with the user's token
    const flow = JSON.parse(fs.readFileSync(FLOW_FILE, 'utf8')) as { id: string; type: string; x?: number; name?: string; label?: string }[];
    const deployed = await fetch(`${base}/flows/flows`, { method: 'POST', headers: { ...admin, 'Node-RED-Deployment-Type': 'full' }, body: JSON.stringify(flow) });
    assert.equal(deployed.status, 204);
    // the integrator has switched the info sidebar's tips off (User Settings → View → Show tips)
    const settings = await fetch(`${base}/flows/settings/user`, { method: 'POST', headers: admin, body: JSON.stringify({ editor: { view: { 'view-show-tips': false, 'view-show-welcome-tours': false } } }) });
    assert.equal(settings.status, 204);
    const tab = flow.find((n) => n.type === 'tab');
    assert.ok(tab?.label);
    const flowNodes = flow.filter((n) => n.x !== undefined);
    assert.ok(flowNodes.length >= 15, `the standard flow has its nodes: ${flowNodes.length}`);
    const zh = zhPaletteLabels();
    assert.deepEqual([...zh.keys()].sort(), ['lifecert-feedback', 'lifecert-match', 'lifecert-normalize', 'lifecert-publish', 'lifecert-pull', 'lifecert-schedule', 'lifecert-stage']);

    // a fresh user-data-dir of its own; the screenshot's size
    const browser = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
      executablePath: CHROMIUM,
      viewport: { width: 1600, height: 800 },
      locale: 'zh-CN',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/flows/`);
      await page.locator('#node-dialog-login-username').fill('integrator');
      await page.locator('#node-dialog-login-password').fill(token);
      await page.locator('.red-ui-login-form button, #node-dialog-login-submit').first().click();
      await page.locator('#red-ui-palette-container-lifecert').waitFor({ timeout: 60_000 });
      await page.locator('.red-ui-tab', { hasText: tab.label }).waitFor();
      await until('every node of the flow drawn', async () => ((await page.locator('#red-ui-workspace-chart g.red-ui-flow-node').count()) >= flowNodes.length ? true : undefined), 60_000);
      const settled = async (what: string): Promise<void> => {
        // jQuery's slides done and the canvas zoom at rest (RED.view.scale() unchanged over 300 ms)
        let last = -1;
        await until(what, async () => {
          const [animating, scale] = await page.evaluate(() => [(globalThis as any).$(':animated').length as number, (globalThis as any).RED.view.scale() as number]);
          const still = animating === 0 && scale === last;
          last = scale;
          return still ? true : undefined;
        }, 30_000, 300);
      };

      // the palette: every category closed (the palette's collapse-all button), then lifecert opened and scrolled to the top
      await page.locator('button.red-ui-footer-button:has(> i.fa-angle-double-up)').click();
      await page.locator('#red-ui-palette-header-lifecert').click();
      await settled('the palette categories slid');
      await page.locator('#red-ui-palette-header-lifecert').evaluate((h) => h.scrollIntoView({ block: 'start' }));
      // the canvas: the right sidebar (info, debug) closed, then zoom to fit (the canvas footer's button)
      await page.evaluate(() => (globalThis as any).RED.actions.invoke('core:toggle-right-sidebar'));
      await page.locator('#red-ui-view-zoom-fit').click();
      await page.mouse.move(800, 700); // off every button and node: no tooltip
      await page.evaluate(() => (globalThis as any).document.activeElement?.blur()); // no focus ring on the button
      await settled('the canvas zoomed to fit');

      const seen = await page.evaluate(() => {
        const w = globalThis as any;
        const doc = w.document;
        const rect = (el: any): Rect => { const r = el.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
        const visible = (el: any): boolean => !!el && el.getClientRects().length > 0 && w.getComputedStyle(el).visibility !== 'hidden' && Number(w.getComputedStyle(el).opacity) > 0;
        // the element drawn on top at the middle of r belongs to el: nothing lies over it
        const onTop = (el: any, r: Rect): boolean => { const hit = doc.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2); return !!hit && el.contains(hit); };
        const chart = doc.querySelector('#red-ui-workspace-chart');
        const c = rect(chart);
        // the canvas a person sees: the chart less its scrollbars, the right sidebar over it and the footer under it
        const sidebar = doc.querySelector('#red-ui-sidebar');
        const footer = doc.querySelector('#red-ui-workspace-footer');
        const canvas: Rect = {
          left: c.left, top: c.top,
          right: Math.min(c.left + chart.clientWidth, visible(sidebar) ? rect(sidebar).left : Infinity),
          bottom: Math.min(c.top + chart.clientHeight, visible(footer) ? rect(footer).top : Infinity),
        };
        return {
          scale: w.RED.view.scale() as number,
          canvas,
          nodes: [...doc.querySelectorAll('#red-ui-workspace-chart g.red-ui-flow-node')].map((g: any) => {
            const r = rect(g);
            return { id: g.id as string, label: (g.querySelector('.red-ui-flow-node-label')?.textContent ?? '') as string, rect: r, onTop: onTop(g, r) };
          }),
          paletteArea: rect(doc.querySelector('#red-ui-palette-container')),
          palette: [...doc.querySelectorAll('#red-ui-palette-container-lifecert .red-ui-palette-node')].map((n: any) => {
            const r = rect(n);
            return { type: n.getAttribute('data-palette-type') as string, label: n.innerText.trim() as string, rect: r, onTop: onTop(n, r) };
          }),
          categories: [...doc.querySelectorAll('#red-ui-palette-container .red-ui-palette-category')].filter(visible)
            .map((cat: any) => ({ id: (cat.id as string).replace('red-ui-palette-container-', ''), open: cat.classList.contains('red-ui-palette-open') as boolean })),
          tipsOn: doc.querySelector('.red-ui-sidebar-info')?.classList.contains('show-tips') as boolean,
          tipsShown: visible(doc.querySelector('.red-ui-help-tips')),
          overlays: [...doc.querySelectorAll('.red-ui-notification, .red-ui-tourGuide-shade, .red-ui-tourGuide-popover, .red-ui-popover, .ui-dialog, .red-ui-editor .red-ui-tray, #red-ui-full-shade, #red-ui-header-shade, #red-ui-editor-shade, #red-ui-workspace-tabs-shade')]
            .filter(visible).map((e: any) => (e.id || e.className) as string),
        };
      });

      // nothing over the editor: no tips box, tour, notification, popover, dialog, tray or shade
      assert.equal(seen.tipsOn, false, 'the tips are off');
      assert.equal(seen.tipsShown, false, 'no tips box');
      assert.deepEqual(seen.overlays, [], 'no overlay');
      // the whole standard flow: each of its nodes drawn once, inside the visible canvas, nothing over it, at a zoom where 14 px labels stay >= 10 px
      assert.deepEqual(seen.nodes.map((n) => n.id).sort(), flowNodes.map((n) => n.id).sort(), 'the nodes drawn are the flow’s');
      for (const n of seen.nodes) {
        assert.ok(inside(n.rect, seen.canvas), `${n.id} (${n.label}) ${show(n.rect)} inside the visible canvas ${show(seen.canvas)}`);
        assert.ok(n.onTop, `nothing over ${n.id} (${n.label})`);
      }
      assert.ok(seen.scale * 14 >= 10, `labels readable at zoom ${seen.scale}`);
      // the palette: lifecert open, every other category closed; each lifecert node with its zh-CN label inside the palette's visible area
      assert.deepEqual(seen.categories.filter((cat) => cat.open).map((cat) => cat.id), ['lifecert'], JSON.stringify(seen.categories));
      assert.ok(seen.categories.length > 1, 'the other categories are listed, closed');
      assert.deepEqual(seen.palette.map((p) => [p.type, p.label]).sort(), [...zh.entries()].sort(), 'the lifecert nodes with their zh-CN palette labels');
      for (const p of seen.palette) {
        assert.ok(inside(p.rect, seen.paletteArea), `${p.type} ${show(p.rect)} inside the palette's visible area ${show(seen.paletteArea)}`);
        assert.ok(p.onTop, `nothing over ${p.type} in the palette`);
      }
      // the Chinese labels drawn in a CJK font (fonts-noto-cjk), not as missing-glyph boxes
      const fonts = await platformFonts(page, '#red-ui-palette-container-lifecert .red-ui-palette-node[data-palette-type="lifecert-pull"] .red-ui-palette-label');
      assert.ok(fonts.some((f) => /CJK|Han|Hei|Song|Ming|WenQuanYi/i.test(f)), `拉取 drawn with ${fonts.join(', ')}: install fonts-noto-cjk`);

      await page.screenshot({ path: SCREENSHOT });
      assert.ok(fs.statSync(SCREENSHOT).size > 50_000);
    } finally {
      await browser.close();
    }
  });
});
