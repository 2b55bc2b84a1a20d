import { type WrittenPage, type WrittenSite, writeSite } from './site-writer.js';

/**
 * A deterministic synthetic site of any size, for scale tests and benchmarks: pages of
 * realistic length over a shared vocabulary, a few groups and restrictions, some old pages,
 * a sprinkling of near-duplicates and placeholders. Same seed, same site.
 */
const TOPICS = ['vpn', 'laptop', 'expenses', 'travel', 'onboarding', 'deploy', 'incident', 'printer', 'leave', 'benefits', 'security', 'backup', 'review', 'payroll', 'office'];
const WORDS = 'the team process request approve manager portal access account system policy page update owner service desk ticket week month year day hour within before after submit receive guide steps config release build pipeline server client network device support training budget contract vendor customer report data record history note plan goal'.split(' ');

function rng(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

export function syntheticSite(pages: number, seed = 42): WrittenSite {
  const random = rng(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const spaces = ['OPS', 'DEV', 'PEOPLE', 'HELP'];
  const out: WrittenPage[] = [];
  for (let i = 0; i < pages; i++) {
    const space = spaces[i % spaces.length];
    const topic = pick(TOPICS);
    const paragraphs = Array.from({ length: 3 + Math.floor(random() * 5) }, () =>
      Array.from({ length: 40 + Math.floor(random() * 60) }, () => (random() < 0.15 ? topic : pick(WORDS))).join(' ') + '.',
    );
    const sections = paragraphs.map((p, n) => `## ${topic} part ${n + 1}\n\n${p} Requests take ${1 + Math.floor(random() * 20)} days for item ${i}.`);
    const id = String(500000 + i);
    const old = random() < 0.1;
    let body = `# ${topic} guide ${i}\n\n${sections.join('\n\n')}`;
    if (random() < 0.02) body += '\n\nTODO: finish this section.';
    if (i > 10 && random() < 0.02) body = out[i - 10 + Math.floor(random() * 5)].body.replace(/ the /, ' a ');
    out.push({
      id,
      title: `${topic[0].toUpperCase()}${topic.slice(1)} guide ${i}`,
      space,
      parentId: i >= spaces.length && random() < 0.7 ? String(500000 + i - spaces.length) : null,
      labels: [topic],
      created: '2022-01-01T00:00:00Z',
      updated: old ? '2023-03-01T00:00:00Z' : `2026-${String(1 + Math.floor(random() * 10)).padStart(2, '0')}-15T00:00:00Z`,
      version: 1 + Math.floor(random() * 20),
      owner: `u${i % 7}`,
      restrictions: random() < 0.05 ? { read: { groups: ['managers'] } } : undefined,
      body,
      slug: `p${i}`,
    });
  }
  return {
    spaces: spaces.map((key) => ({ key, name: key })),
    groups: [{ name: 'staff' }, { name: 'managers' }],
    users: [
      { accountId: 'u-staff', displayName: 'Sam Staff', groups: ['staff'] },
      { accountId: 'u-manager', displayName: 'Max Manager', groups: ['staff', 'managers'] },
    ],
    defaultUser: 'u-staff',
    pages: out,
  };
}

export function writeSyntheticSite(dir: string, pages: number, seed = 42): string {
  return writeSite(dir, syntheticSite(pages, seed));
}
