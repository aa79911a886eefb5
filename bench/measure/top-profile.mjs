// Top self-time functions of V8 .cpuprofile files (node --cpu-prof): node bench/measure/top-profile.mjs FILE...
import fs from 'node:fs';
for (const f of process.argv.slice(2)) {
  const p = JSON.parse(fs.readFileSync(f, 'utf8'));
  const self = new Map(); const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const dt = p.timeDeltas; const counts = new Map();
  for (let i = 0; i < p.samples.length; i++) counts.set(p.samples[i], (counts.get(p.samples[i]) ?? 0) + (dt[i] ?? 0));
  let total = 0;
  for (const [id, us] of counts) { const n = byId.get(id); const cf = n.callFrame; const key = `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}`; self.set(key, (self.get(key) ?? 0) + us); total += us; }
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  console.log(`\n== ${f.split('/').pop()}: ${(total / 1e6).toFixed(2)} s sampled, busy ${((total - idle) / 1e6).toFixed(2)} s`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`${(v / 1e6).toFixed(2).padStart(7)} s  ${k}`);
}
