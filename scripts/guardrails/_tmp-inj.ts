import { loadInjectionPrompts } from './datasets.js';
import { scoreInjectionRules } from '../../src/guardrails/injection/injection-rules.js';
const data = loadInjectionPrompts();
const bySource: Record<string, {n:number; hit:number}> = {};
for (const p of data) { const s = scoreInjectionRules(p.text); const b = (bySource[p.source] ??= {n:0,hit:0}); b.n++; if (s.score>=0.5) { b.hit++; if (p.label===0 && process.argv[2]==='fp') console.log('FP', s.details, JSON.stringify(p.text.slice(0,200))); } else if (p.label===1 && process.argv[2]==='fn') console.log('FN', p.source, JSON.stringify(p.text.slice(0,160))); }
console.log(bySource);
