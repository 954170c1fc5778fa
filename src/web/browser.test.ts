/**
 * solar serve as a person uses it, in Debian's Chromium driven by Playwright: start a quick
 * reacher-sparse run from the page with human labels, watch it update, label every rollout by
 * key presses (one wrong key taken back with u), and check that the labels reached the run:
 * a scripted person who presses y exactly when the task counts success gives the same metrics
 * as the run labelled by the task itself (--label final). `.ci/run` installs chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCliEntry } from './jobs.js';
import { serveRuns, type RunsServer } from './server.js';

const CHROMIUM = process.env.SOLAR_CHROMIUM ?? '/usr/bin/chromium';
// Without Chromium the test fails, saying how to get it; SOLAR_SKIP_BROWSER=1 skips it knowingly.
const skip = process.env.SOLAR_SKIP_BROWSER === '1';

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const noClock = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.endsWith('_s')));
// A seed whose 24 training rollouts include a success, so the person presses both keys.
const SEED = 4;

describe.skipIf(skip)('solar serve in a browser', () => {
  let root: string;
  let server: RunsServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set SOLAR_CHROMIUM=PATH; SOLAR_SKIP_BROWSER=1 skips this test)`);
    root = mkdtempSync(join(tmpdir(), 'solar-browser-'));
    server = await serveRuns({ runs: root, port: 0, pollMs: 200 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a scripted person labels a quick reacher-sparse run by key presses: the same metrics as the task\'s own final success', async () => {
    // The reference: the same run, each rollout labelled by the task's own success at its end.
    const refDir = join(root, 'reference');
    const ref = spawnSync(process.execPath, [defaultCliEntry(), 'train', '--env', 'reacher-sparse', '--preset', 'quick', '--seed', String(SEED), '--label', 'final', '--out', refDir], { encoding: 'utf8' });
    expect(ref.status, ref.stderr).toBe(0);
    const truth = lines(join(refDir, 'labels.jsonl')) as { iteration: number; rollout: number; seed: number; success: boolean }[];
    expect(truth.length).toBe(3 * 8);
    expect(truth.some((r) => r.success) && truth.some((r) => !r.success)).toBe(true);

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    // The new-run form offers the registry's tasks; the run starts as a child of the server.
    await page.selectOption('#new-run [name=env]', 'reacher-sparse');
    await page.selectOption('#new-run [name=method]', 'solar');
    await page.selectOption('#new-run [name=preset]', 'quick');
    await page.fill('#new-run [name=seed]', String(SEED));
    await page.selectOption('#new-run [name=label]', 'human');
    await page.click('#start');
    const id = `train-reacher-sparse-solar-s${SEED}-human`;
    await page.waitForFunction((want) => decodeURIComponent(location.hash.slice(1)) === want, id, { timeout: 60_000 });
    await page.waitForSelector('#stop:not([hidden])');

    for (let it = 0; it < 3; it++) {
      // The page asks: a grid of the iteration's last frames, the current one marked.
      await page.waitForSelector(`#labels[data-iteration="${it}"][data-state="asking"]`, { timeout: 180_000 });
      const tiles = await page.$$eval('#labels figure', (fs) => fs.map((f) => ({ rollout: Number((f as HTMLElement).dataset.rollout), seed: Number((f as HTMLElement).dataset.seed) })));
      expect(tiles).toHaveLength(8);
      if (it === 2) {
        // While the run waits, the output panel (the job state when the page connected, then only the new lines) shows what the server holds.
        const shown = async () => {
          const job = (await (await fetch(`${server.url}api/runs/${id}/job`)).json()) as { running: boolean; log: string[] };
          return { want: job.running && job.log.length > 3 ? job.log.join('\n') : null, text: await page.$eval('#job-log', (e) => e.textContent) };
        };
        let s = await shown();
        for (let tries = 0; tries < 100 && s.want !== s.text; tries++) s = (await new Promise((r) => setTimeout(r, 200)), await shown());
        expect(s.text).toBe(s.want);
      }
      // Every frame is there to be seen.
      expect(await page.$$eval('#labels img', (imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth >= 64))).toBe(true);
      for (const t of tiles) {
        const want = truth.find((r) => r.iteration === it && r.rollout === t.rollout && r.seed === t.seed);
        expect(want, `reference label of iteration ${it}, rollout ${t.rollout}`).toBeDefined();
        if (it === 0 && t.rollout === 2) {
          // A slip, taken back.
          await page.keyboard.press(want!.success ? 'n' : 'y');
          await page.keyboard.press('u');
        }
        await page.keyboard.press(want!.success ? 'y' : 'n');
      }
      await page.waitForSelector(`#labels[data-iteration="${it}"][data-state="done"]`);
      await page.keyboard.press('Enter');
    }
    // The run goes on to its evaluation and finishes; the page follows it live.
    await page.waitForSelector('#status.finished', { timeout: 180_000 });
    await page.waitForFunction(() => document.querySelectorAll('#metrics tbody tr').length === 3);
    expect(await page.$eval('#curve', (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)).toBe(true);

    const run = join(root, id);
    expect(lines(join(run, 'labels.jsonl')).map(({ by, ...r }) => (expect(by).toBe('person'), r))).toEqual(truth.map(({ by: _, ...r }: Record<string, unknown>) => r));
    expect(lines(join(run, 'metrics.jsonl')).map(noClock)).toEqual(lines(join(refDir, 'metrics.jsonl')).map(noClock));
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
    const refSummary = JSON.parse(readFileSync(join(refDir, 'summary.json'), 'utf8'));
    expect(noClock(summary)).toEqual(noClock(refSummary));
    expect(errors).toEqual([]);
  }, 600_000);
});
