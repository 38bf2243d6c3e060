// Summarizes a conformance run: reads every <results>/server-<scenario>-<timestamp>/checks.json
// the suite wrote and prints one line per scenario plus totals. Informational only: the exit
// status of run.sh is the suite's own (which applies expected-failures.yaml).
//
// usage: node summarize.mjs <results-dir>
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node summarize.mjs <results-dir>');
  process.exit(2);
}

const STAMP = /-\d{4}-\d{2}-\d{2}T[\d-]+Z$/;
const scenarios = new Map(); // scenario -> {checks, dir}
for (const name of readdirSync(dir).sort()) {
  const full = join(dir, name);
  if (!name.startsWith('server-') || !statSync(full).isDirectory()) continue;
  const scenario = name.replace(STAMP, '').replace(/^server-/, '');
  let checks;
  try {
    checks = JSON.parse(readFileSync(join(full, 'checks.json'), 'utf8'));
  } catch {
    checks = [{ id: '(checks.json unreadable)', status: 'FAILURE' }];
  }
  scenarios.set(scenario, { checks, dir: name });
}

if (scenarios.size === 0) {
  console.log('conformance summary: no scenario results found in ' + dir);
  process.exit(0);
}

const counts = { PASS: 0, WARN: 0, FAIL: 0, SKIP: 0 };
const width = Math.max(...[...scenarios.keys()].map((s) => s.length));
for (const [scenario, { checks }] of scenarios) {
  const by = (status) => checks.filter((c) => c.status === status);
  const failures = by('FAILURE');
  const warnings = by('WARNING');
  const successes = by('SUCCESS');
  // the suite's baseline logic treats WARNING like FAILURE; INFO and SKIPPED are not scored
  const verdict = failures.length > 0 ? 'FAIL'
    : warnings.length > 0 ? 'WARN'
    : successes.length > 0 ? 'PASS'
    : 'SKIP';
  counts[verdict]++;
  const notes = [...failures, ...warnings]
    .map((c) => `${c.status === 'WARNING' ? '~' : '✗'}${c.id}`)
    .join(' ');
  const scored = checks.filter((c) => c.status !== 'INFO' && c.status !== 'SKIPPED').length;
  console.log(`  ${verdict}  ${scenario.padEnd(width)}  ${successes.length}/${scored} checks ok${notes ? '  ' + notes : ''}`);
}
console.log(
  `conformance summary: ${scenarios.size} scenarios: ${counts.PASS} pass, ${counts.WARN} warn, ` +
    `${counts.FAIL} fail, ${counts.SKIP} skip (no scored check)`
);
