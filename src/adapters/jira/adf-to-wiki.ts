/**
 * ADF to Jira wiki markup, for Jira Data Center (REST v2 takes descriptions as text; an ADF
 * object is refused with "Operation value must be a string"). Covers what draft issues contain:
 * paragraphs, headings, bullet and ordered lists, hard breaks, links and emphasis. Unknown nodes
 * keep their text. Characters that wiki markup would read as formatting are escaped, so agent
 * text stays text.
 */
import type { AdfDocument, AdfNode } from '../issue-tracker.js';

/** `*`, `_`, `{`, `[`, `|` … start markup in Jira wiki; a backslash makes them literal. */
function escapeWiki(text: string): string {
  return text.replace(/[\\*_{}[\]|^~+\-#!?]/g, (char) => `\\${char}`);
}

function inline(nodes: readonly AdfNode[] | undefined): string {
  return (nodes ?? [])
    .map((node) => {
      if (node.type === 'hardBreak') return '\n';
      if (node.type !== 'text') return inline(node.content);
      let out = escapeWiki(node.text ?? '');
      for (const mark of node.marks ?? []) {
        if (mark.type === 'strong') out = `*${out}*`;
        else if (mark.type === 'em') out = `_${out}_`;
        else if (mark.type === 'code') out = `{{${out}}}`;
        else if (mark.type === 'link' && typeof mark.attrs?.href === 'string' && /^https?:\/\//i.test(mark.attrs.href)) {
          // The URL goes in as written: a `|` or `]` in it would end the link, so those are percent-encoded.
          out = `[${out}|${mark.attrs.href.replace(/[|\]\s]/g, (char) => encodeURIComponent(char))}]`;
        }
      }
      return out;
    })
    .join('');
}

function block(node: AdfNode, depth: number): string[] {
  switch (node.type) {
    case 'paragraph':
      return [inline(node.content)];
    case 'heading': {
      const level = Math.min(Math.max(Number(node.attrs?.level) || 3, 1), 6);
      return [`h${level}. ${inline(node.content)}`];
    }
    case 'bulletList':
    case 'orderedList': {
      const bullet = (node.type === 'bulletList' ? '*' : '#').repeat(depth + 1);
      return (node.content ?? []).flatMap((item) => {
        const [first = '', ...rest] = (item.content ?? []).flatMap((child) => block(child, depth + 1));
        return [`${bullet} ${first}`, ...rest];
      });
    }
    default:
      return node.content ? node.content.flatMap((child) => block(child, depth)) : node.text ? [escapeWiki(node.text)] : [];
  }
}

export function adfToWikiMarkup(document: AdfDocument): string {
  return document.content
    .map((node) => block(node, 0).join('\n'))
    .filter((text) => text !== '')
    .join('\n\n');
}
