import { type MarkdownSection, splitSections } from '../text/markdown.js';
import { InvalidInputError } from '../errors.js';

export interface SectionInfo {
  heading: string;
  level: number;
  chars: number;
}

export interface PageSlice {
  markdown: string;
  /** The heading that was asked for, when one was. */
  section: string | null;
  truncated: boolean;
  /** Heading of the first section not included, to ask for next. */
  nextSection: string | null;
  sections: SectionInfo[];
}

/**
 * Cuts a page to fit an agent's budget without breaking it mid-sentence: whole sections
 * first; if even one section is too long, at a paragraph boundary, then at a sentence.
 * With `section`, returns that section and its sub-sections.
 */
export function slicePage(markdown: string, options: { section?: string; maxChars: number }): PageSlice {
  const all = splitSections(markdown);
  const sections: SectionInfo[] = all.map((s) => ({ heading: s.heading, level: s.level, chars: s.markdown.length }));
  let chosen = all;
  let sectionName: string | null = null;
  if (options.section !== undefined) {
    const index = findSection(all, options.section);
    if (index === -1) {
      const headings = all.filter((s) => s.level > 0).map((s) => s.heading);
      throw new InvalidInputError(
        `No section ${JSON.stringify(options.section)} on this page. Sections: ${headings.length ? headings.map((h) => JSON.stringify(h)).join(', ') : '(none)'}.`,
      );
    }
    const start = all[index];
    let end = index + 1;
    while (end < all.length && all[end].level > start.level) end++;
    chosen = all.slice(index, end);
    sectionName = start.heading;
  }

  let output = '';
  let truncated = false;
  let nextSection: string | null = null;
  for (let i = 0; i < chosen.length; i++) {
    const part = chosen[i].markdown;
    if (output.length + part.length <= options.maxChars) {
      output += part.endsWith('\n') ? part : `${part}\n`;
      continue;
    }
    truncated = true;
    if (output === '') {
      output = cutAtBoundary(part, options.maxChars);
      nextSection = chosen[i + 1]?.heading ?? null;
    } else {
      nextSection = chosen[i].heading || null;
    }
    break;
  }
  return { markdown: output.trimEnd(), section: sectionName, truncated, nextSection, sections };
}

function findSection(sections: MarkdownSection[], wanted: string): number {
  const target = wanted.trim().replace(/^#+\s*/, '').toLowerCase();
  const headed = sections.map((s, i) => ({ i, heading: s.heading.toLowerCase(), level: s.level })).filter((s) => s.level > 0);
  return (
    headed.find((s) => s.heading === target)?.i ??
    headed.find((s) => s.heading.startsWith(target))?.i ??
    headed.find((s) => s.heading.includes(target))?.i ??
    -1
  );
}

/** The longest prefix within `max` that ends at a paragraph break, else a sentence end, else a word. */
function cutAtBoundary(text: string, max: number): string {
  const window = text.slice(0, max);
  const paragraph = window.lastIndexOf('\n\n');
  if (paragraph > max * 0.5) return `${window.slice(0, paragraph).trimEnd()}\n\n…`;
  const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('.\n'), window.lastIndexOf('? '), window.lastIndexOf('! '));
  if (sentence > max * 0.3) return `${window.slice(0, sentence + 1)} …`;
  const space = window.lastIndexOf(' ');
  return `${window.slice(0, space > 0 ? space : max)} …`;
}
