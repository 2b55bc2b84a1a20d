import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildListCql,
  buildSearchCql,
  buildTitleCql,
  buildUserSearchCql,
  cleanCqlText,
  cqlDate,
  cqlSpaceKey,
  cqlString,
} from '../../src/adapters/confluence/cql.js';
import type { SearchRequest } from '../../src/adapters/content-source.js';
import { InvalidInputError } from '../../src/errors.js';

/** A tiny CQL tokenizer, written independently of the builder: strings honour `\` escapes. */
type Tok = { t: 'str'; v: string } | { t: 'sym'; v: string };
function tokenize(cql: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < cql.length) {
    const c = cql[i];
    if (c === ' ') {
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (true) {
        if (i >= cql.length) throw new Error(`unterminated string in ${cql}`);
        if (cql[i] === '\\') {
          v += cql[i + 1];
          i += 2;
        } else if (cql[i] === '"') {
          i++;
          break;
        } else {
          v += cql[i++];
        }
      }
      out.push({ t: 'str', v });
    } else if ('(),'.includes(c)) {
      out.push({ t: 'sym', v: c });
      i++;
    } else if (c === '>' || c === '<') {
      const v = cql[i + 1] === '=' ? `${c}=` : c;
      out.push({ t: 'sym', v });
      i += v.length;
    } else if (c === '=' || c === '~') {
      out.push({ t: 'sym', v: c });
      i++;
    } else if (/[A-Za-z.]/.test(c)) {
      let j = i;
      while (j < cql.length && /[A-Za-z.]/.test(cql[j])) j++;
      out.push({ t: 'sym', v: cql.slice(i, j) });
      i = j;
    } else {
      throw new Error(`unexpected ${JSON.stringify(c)} outside a string in ${cql}`);
    }
  }
  return out;
}

const s = (v: string): Tok => ({ t: 'str', v });
const w = (...vs: string[]): Tok[] => vs.map((v) => ({ t: 'sym', v }));

const ADVERSARIAL = [
  '") OR space = "SECRET',
  '" OR "1"="1',
  'foo\\',
  'foo\\" OR space = SECRET OR title ~ "x',
  '\\\\\\"',
  'a ~ b',
  'line one\nspace = "SECRET"\r\n',
  'tab\there',
  '',
  '   ',
  '"',
  '\\',
  ')',
  '((((',
  'ORDER BY created',
  '\u0000\u0007\u001b[31m',
  'naïve café 日本語 🚀',
  '\uD800 lone surrogate',
  'emoji \u{1F600} "quoted" \\back',
  "it's",
];

describe('cqlString', () => {
  it('quotes and escapes backslashes and double quotes', () => {
    expect(cqlString('plain')).toBe('"plain"');
    expect(cqlString('say "hi"')).toBe('"say \\"hi\\""');
    expect(cqlString('C:\\path')).toBe('"C:\\\\path"');
    expect(cqlString('')).toBe('""');
  });

  it('removes control characters and turns line breaks into spaces', () => {
    expect(cqlString('a\nb\tc\u0000d\u007fe')).toBe('"a b cde"');
  });

  it.each(ADVERSARIAL)('keeps %j inside one string token', (input) => {
    const tokens = tokenize(cqlString(input));
    expect(tokens).toEqual([s(cleanCqlText(input))]);
  });
});

describe('space keys', () => {
  it('accepts real key shapes', () => {
    expect(cqlSpaceKey('ENG')).toBe('"ENG"');
    expect(cqlSpaceKey('~5b10a2844c20165700ede21g')).toBe('"~5b10a2844c20165700ede21g"');
    expect(cqlSpaceKey('team_a.b-c')).toBe('"team_a.b-c"');
  });

  it.each(['', 'EN G', 'ENG"', 'ENG)', 'A,B', 'ENG\n', 'ÉNG', 'ENG OR space = SECRET'])('rejects %j', (key) => {
    expect(() => cqlSpaceKey(key)).toThrow(InvalidInputError);
    expect(() => buildSearchCql({ text: 'x', spaces: [key], excludeLabels: [] })).toThrow(InvalidInputError);
  });

  it('never builds a query without a space clause', () => {
    expect(() => buildSearchCql({ text: 'x', spaces: [], excludeLabels: [] })).toThrow(InvalidInputError);
    expect(() => buildListCql({ spaces: [] })).toThrow(InvalidInputError);
    expect(() => buildTitleCql('x', [])).toThrow(InvalidInputError);
  });
});

describe('dates', () => {
  it('formats yyyy-MM-dd in UTC, with offsets', () => {
    expect(cqlDate('2024-05-12T23:30:00.000Z')).toBe('"2024-05-12"');
    expect(cqlDate('2024-05-12T23:30:00-02:00')).toBe('"2024-05-13"');
    expect(cqlDate('2024-03-01', -1)).toBe('"2024-02-29"');
  });

  it('rejects garbage instead of passing it through', () => {
    expect(() => cqlDate('yesterday") OR ("1')).toThrow(InvalidInputError);
  });

  it('refuses a year outside 1000–9999 instead of writing a malformed date', () => {
    // toISOString writes such years as "-000001-12-31…" or "+010000-01-01…": not a CQL date.
    for (const value of ['0000-01-01', '0000-01-01T00:00:00Z', '0999-12-31', '-000001-06-01T00:00:00Z', '+010000-01-01T00:00:00Z']) {
      expect(() => cqlDate(value), value).toThrow(InvalidInputError);
      expect(() => cqlDate(value), value).toThrow(/between the years 1000 and 9999/);
    }
    expect(() => cqlDate('1000-01-01', -1)).toThrow(InvalidInputError);
    expect(() => cqlDate('9999-12-31', 2)).toThrow(InvalidInputError);
    expect(() => buildSearchCql({ text: 'x', spaces: ['ENG'], updatedSince: '0000-01-01T00:00:00Z' })).toThrow(InvalidInputError);
    expect(cqlDate('1000-01-02', -1)).toBe('"1000-01-01"');
    expect(cqlDate('9999-12-31')).toBe('"9999-12-31"');
    expect(cqlDate('1900-01-01', -1)).toBe('"1899-12-31"');
  });
});

describe('builders', () => {
  it('search: text clause in parentheses, policy clauses ANDed outside', () => {
    const request: SearchRequest = {
      text: 'deploy "prod"',
      spaces: ['ENG', 'HR'],
      labels: ['runbook'],
      excludeLabels: ['secret', 'archived'],
      updatedSince: '2024-05-12T10:00:00Z',
      limit: 10,
    };
    expect(buildSearchCql(request)).toBe(
      '(siteSearch ~ "deploy \\"prod\\"") AND type = page AND space IN ("ENG","HR") AND label IN ("runbook") AND label NOT IN ("secret","archived") AND lastmodified >= "2024-05-11"',
    );
  });

  it('search with empty text lists by recency instead of sending an empty match', () => {
    expect(buildSearchCql({ text: ' \n ', spaces: ['ENG'], excludeLabels: [] })).toBe(
      'type = page AND space IN ("ENG") ORDER BY lastmodified DESC',
    );
  });

  it('list, title and user queries', () => {
    expect(
      buildListCql({ spaces: ['ENG'], excludeLabels: ['x'], updatedSince: '2024-01-10', updatedBefore: '2024-05-01T00:00:00Z' }),
    ).toBe(
      'type = page AND space IN ("ENG") AND label NOT IN ("x") AND lastmodified >= "2024-01-09" AND lastmodified < "2024-05-03" ORDER BY lastmodified DESC',
    );
    expect(buildTitleCql('Run "book"', ['ENG'])).toBe('title = "Run \\"book\\"" AND type = page AND space IN ("ENG")');
    expect(buildUserSearchCql('Mia "K"')).toBe('user.fullname ~ "Mia \\"K\\""');
  });

  it('labels are quoted like text and empty ones dropped', () => {
    expect(buildListCql({ spaces: ['ENG'], excludeLabels: ['a") OR ("b', '', '  '] })).toBe(
      'type = page AND space IN ("ENG") AND label NOT IN ("a\\") OR (\\"b") ORDER BY lastmodified DESC',
    );
  });
});

describe('property: agent text never escapes its string', () => {
  const spaceKey = fc.stringMatching(/^[A-Za-z0-9_~.-]{1,12}$/);
  const injection = fc.constantFrom(...ADVERSARIAL, '"', '\\', '\\"', '")', ' OR ', ' AND ', '~', '\n', '(', ')', ',');
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(fc.oneof(injection, fc.string({ maxLength: 5 })), { maxLength: 12 }).map((parts) => parts.join('')),
  );

  it('search CQL tokenizes to exactly one text string followed by the intact policy clauses', () => {
    fc.assert(
      fc.property(text, fc.uniqueArray(spaceKey, { minLength: 1, maxLength: 4 }), fc.array(text, { maxLength: 3 }), (t, spaces, excluded) => {
        const cql = buildSearchCql({ text: t, spaces, excludeLabels: excluded });
        const tokens = tokenize(cql);
        const cleaned = cleanCqlText(t).trim();
        const expected: Tok[] = [];
        if (cleaned !== '') expected.push(...w('(', 'siteSearch', '~'), s(cleaned), ...w(')', 'AND'));
        expected.push(...w('type', '=', 'page', 'AND', 'space', 'IN', '('));
        spaces.forEach((key, i) => {
          if (i > 0) expected.push(...w(','));
          expected.push(s(key));
        });
        expected.push(...w(')'));
        const labels = [...new Set(excluded.map((l) => cleanCqlText(l).trim()).filter((l) => l !== ''))];
        if (labels.length > 0) {
          expected.push(...w('AND', 'label', 'NOT', 'IN', '('));
          labels.forEach((label, i) => {
            if (i > 0) expected.push(...w(','));
            expected.push(s(label));
          });
          expected.push(...w(')'));
        }
        if (cleaned === '') expected.push(...w('ORDER', 'BY', 'lastmodified', 'DESC'));
        expect(tokens).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('title CQL keeps the title as one string token', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(tokenize(buildTitleCql(t, ['ENG']))).toEqual([
          ...w('title', '='),
          s(cleanCqlText(t)),
          ...w('AND', 'type', '=', 'page', 'AND', 'space', 'IN', '('),
          s('ENG'),
          ...w(')'),
        ]);
      }),
      { numRuns: 300 },
    );
  });
});
