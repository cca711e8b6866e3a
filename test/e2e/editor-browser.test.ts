// The flow editor in a browser: Chromium opens /flows of `lifecert serve`, logs in as an
// integrator (name + API token), and shows the lifecert palette and the shipped standard
// flow; the screenshot is docs/editor.png (the README's "Wire it yourself").
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../jobs/helpers.ts';
import { requireRedis } from '../support/servers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/lifecert.js');
const CHROMIUM = '/usr/bin/chromium';
const exec = promisify(execFile);

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
    if (!fs.existsSync(CHROMIUM)) this.skip();
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

  it('logs in, shows the lifecert palette and the standard flow; screenshot in docs/editor.png', async () => {
    fs.writeFileSync(env.LIFECERT_CONFIG as string, JSON.stringify({ sources: {} }));
    const token = (await exec(process.execPath, [BIN, 'user', 'add', '--name', 'integrator', '--role', 'integrator', '--region', '44'], { env, cwd: dir })).stdout.trim();
    serve = spawn(process.execPath, [BIN, 'serve'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    serve.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    serve.stderr?.resume();
    let base = '';
    for (let i = 0; i < 240 && !base; i++) {
      base = /listening on (http:\/\/[^ ]+) /.exec(out)?.[1] ?? '';
      if (!base) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(base, 'serve listens');
    // the standard flow deployed through the admin API with the user's token
    const deployed = await fetch(`${base}/flows/flows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: fs.readFileSync(path.join(ROOT, 'flows/standard-monthly.json'), 'utf8'),
    });
    assert.equal(deployed.status, 204);

    // a fresh user-data-dir of its own
    const browser = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
      executablePath: CHROMIUM,
      viewport: { width: 1600, height: 800 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/flows/`);
      await page.locator('#node-dialog-login-username').fill('integrator');
      await page.locator('#node-dialog-login-password').fill(token);
      await page.locator('.red-ui-login-form button, #node-dialog-login-submit').first().click();
      await page.locator('#red-ui-palette-container-lifecert').waitFor({ timeout: 60_000 });
      const palette = await page.locator('#red-ui-palette-container-lifecert .red-ui-palette-node').allInnerTexts();
      for (const label of ['pull', 'normalize', 'stage', 'match', 'publish', 'feedback', 'schedule']) assert.ok(palette.some((t) => t.trim() === label), `palette shows ${label}: ${palette.join(', ')}`);
      await page.locator('.red-ui-tab', { hasText: 'Standard monthly' }).waitFor();
      await page.locator('.red-ui-flow-node-label', { hasText: 'match the period' }).first().waitFor();
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ROOT, 'docs/editor.png') });
      assert.ok(fs.statSync(path.join(ROOT, 'docs/editor.png')).size > 10_000);
    } finally {
      await browser.close();
    }
  });
});
