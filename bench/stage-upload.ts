/**
 * Stages and uploads a generated plot file through a real Canopy server (embedded default,
 * fresh data folder) and prints wall time per phase and the server's peak RSS.
 *   npm run bench -- [plots=100000]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { writePlotsGeoJson } from './generate-plots.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const plots = Number(process.argv[2] ?? 100_000);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-bench-'));
const file = path.join(work, `plots-${plots}.geojson`);
const port = 18_000 + Math.floor(Math.random() * 1000);
const url = `http://127.0.0.1:${port}`;
const admin = { email: 'bench@example.org', password: 'bench-password' };

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { defects } = await writePlotsGeoJson(file, plots);
  const bytes = fs.statSync(file).size;
  console.log(`generated ${plots} plots (${defects} with defects), ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const server = spawn(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'serve'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CANOPY_DATA_DIR: path.join(work, 'data'), CANOPY_LOG_LEVEL: 'warn',
      CANOPY_ADMIN_EMAIL: admin.email, CANOPY_ADMIN_PASSWORD: admin.password },
    stdio: 'inherit',
  });
  const pid = server.pid as number;
  for (let i = 0; !(await fetch(`${url}/health`).then((r) => r.ok, () => false)); i++) {
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const idleRss = rssKb(pid, 'VmRSS');
  let peakSampled = idleRss;
  const sampler = setInterval(() => { peakSampled = Math.max(peakSampled, rssKb(pid, 'VmRSS')); }, 50);

  const token = (await (await fetch(`${url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) })).json()).access_token;
  const auth = { authorization: `Bearer ${token}` };

  const form = new FormData();
  form.append('request_data', JSON.stringify({ collection_name: 'bench' }));
  form.append('file', await fs.openAsBlob(file, { type: 'application/geo+json' }), path.basename(file));
  const ts = performance.now();
  const staged = await (await fetch(`${url}/stage_plots`, { method: 'POST', headers: auth, body: form })).json();
  const stageSeconds = (performance.now() - ts) / 1000;
  const stagePeak = peakSampled;
  console.log(`stage: ${stageSeconds.toFixed(2)} s, ${Math.round(plots / stageSeconds)} plots/s; valid ${staged.valid_count}, invalid ${staged.invalid_count}`);

  const tu = performance.now();
  const tasks = await (await fetch(`${url}/upload_plots`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'bench', skip_invalid: true }) })).json();
  for (;;) {
    const states = await Promise.all([tasks.bq_task_id, tasks.ee_task_id].map(async (id) =>
      (await (await fetch(`${url}/get_task_status?task_id=${id}`, { headers: auth })).json()).state as string));
    if (states.every((s) => s === 'COMPLETED' || s === 'FAILED')) {
      if (states.includes('FAILED')) throw new Error(`a task failed: ${states}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const uploadSeconds = (performance.now() - tu) / 1000;
  const uploadPeak = peakSampled;
  console.log(`upload (both tasks): ${uploadSeconds.toFixed(2)} s, ${Math.round(staged.valid_count / uploadSeconds)} plots/s`);

  const tf = performance.now();
  const fetched = await (await fetch(`${url}/fetch_plots?filename=bench&limit=${plots}`, { headers: auth })).text();
  const fetchSeconds = (performance.now() - tf) / 1000;
  const lines = fetched.split('\n').length - 1;
  console.log(`fetch_plots: ${lines} plots in ${fetchSeconds.toFixed(2)} s, ${Math.round(lines / fetchSeconds)} plots/s`);

  clearInterval(sampler);
  const peak = rssKb(pid, 'VmHWM');
  server.kill('SIGTERM');
  const commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log([
    '', `| plots | file MB | stage s | upload s | fetch plots/s | RSS idle MB | peak RSS: stage / +upload / +fetch MB |`, '|---|---|---|---|---|---|---|',
    `| ${plots} | ${(bytes / 1e6).toFixed(1)} | ${stageSeconds.toFixed(2)} | ${uploadSeconds.toFixed(2)} | ${Math.round(lines / fetchSeconds)} | ${(idleRss / 1024).toFixed(0)} | ${(stagePeak / 1024).toFixed(0)} / ${(uploadPeak / 1024).toFixed(0)} / ${(peak / 1024).toFixed(0)} |`,
    '', `machine: ${machine}; commit ${commit}; command: npm run bench -- ${plots}`,
  ].join('\n'));
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
