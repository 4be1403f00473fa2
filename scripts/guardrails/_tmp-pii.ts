import { loadPresidio } from '/work/wt-guardrails/scripts/guardrails/datasets.js';
import { detectPii } from '/work/wt-guardrails/src/guardrails/pii/detect-pii.js';
const data = loadPresidio();
const stats: Record<string, {tp:number;fp:number;fn:number}> = {};
const s = (t: string) => (stats[t] ??= {tp:0,fp:0,fn:0});
const show = process.argv[2];
for (const ex of data) {
  const found = detectPii(ex.text);
  for (const f of found) { const hit = ex.spans.some(g => g.type===f.type && f.start<g.end && g.start<f.end); if (hit) s(f.type).tp++; else { s(f.type).fp++; if (f.type===show) console.log('FP', JSON.stringify(f.text), '|', JSON.stringify(ex.text.slice(Math.max(0,f.start-40), f.end+20))); } }
  for (const g of ex.spans) { const hit = found.some(f => g.type===f.type && f.start<g.end && g.start<f.end); if (!hit) { s(g.type).fn++; if (g.type===show) console.log('FN', JSON.stringify(ex.text.slice(g.start,g.end)), '|', JSON.stringify(ex.text.slice(Math.max(0,g.start-40), g.end+20)), found.filter(f=>f.start<g.end&&g.start<f.end).map(f=>f.type)); } }
}
for (const [t, v] of Object.entries(stats)) { const p=v.tp/(v.tp+v.fp||1), r=v.tp/(v.tp+v.fn||1); console.log(t.padEnd(18), v, 'P', p.toFixed(3), 'R', r.toFixed(3), 'F1', (2*p*r/(p+r||1)).toFixed(3)); }
