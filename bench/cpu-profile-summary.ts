import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a server's CPU time went, from the .cpuprofile files `node --cpu-prof` wrote
 * (BENCH_CPU_PROF=<dir> npm run bench -- teams): self time summed by package (node_modules),
 * by metbot file (src/, adapters/), or as Node's own (node:, GC, idle). Usage:
 * `npx tsx bench/cpu-profile-summary.ts <dir> [top]`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function placeOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : `(native) ${name}`;
  const packages = url.split('node_modules/');
  if (packages.length > 1) {
    const rest = packages.at(-1)!.split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const ours = /\/(src|adapters|bench|test)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

const [dir, top = '15'] = process.argv.slice(2);
if (!dir) throw new Error('usage: tsx bench/cpu-profile-summary.ts <dir> [top]');
const files = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.cpuprofile'));
for (const file of files) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  // tsx's module loader runs on a thread of its own, with a profile of its own: only the main one counts.
  if (profile.nodes.length < 2000) continue;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const places = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const place = placeOf(node.callFrame.url, node.callFrame.functionName);
    const us = profile.timeDeltas[i] ?? 0;
    if (place === '(idle)') return;
    total += us;
    places.set(place, (places.get(place) ?? 0) + us);
  });
  console.log(`\n${file}: ${(total / 1000).toFixed(0)} ms busy`);
  for (const [place, us] of [...places].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${place}`);
  }
}
