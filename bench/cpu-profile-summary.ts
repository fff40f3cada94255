import { readFileSync } from 'node:fs';

/**
 * Where a `node --cpu-prof` profile spent its time: self time by function and by package
 * (node_modules/<name>, node: internals, this project's files, GC, idle), and inclusive time by
 * package (a sample counts for every package on its stack), largest first.
 * Usage: node dist/bench/cpu-profile-summary.js <file.cpuprofile> [top=40]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const dist = url.indexOf('/dist/');
  return dist !== -1 ? url.slice(dist + 6) : url;
}

const fns = new Map<string, number>();
const pkgs = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const { callFrame } = byId.get(id)!;
  const key = `${callFrame.functionName || '(anonymous)'} ${packageOf(callFrame.url, callFrame.functionName)}:${callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const pkg = packageOf(callFrame.url, callFrame.functionName);
  pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  total += us;
}
// Inclusive: a sample counts once for every package or project file on its stack.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { callFrame } = byId.get(at)!;
    seen.add(packageOf(callFrame.url, callFrame.functionName));
  }
  for (const pkg of seen) inclusive.set(pkg, (inclusive.get(pkg) ?? 0) + us);
}
const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((s, [, us]) => s + us, 0);
const busy = total - idle;
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title} (share of busy time ${(busy / 1e6).toFixed(1)} s; idle ${(idle / 1e6).toFixed(1)} s)`);
  for (const [k, us] of [...map].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`);
  }
};
show('self time by package/file', pkgs);
show('inclusive time by package/file', inclusive);
show('self time by function', fns);
