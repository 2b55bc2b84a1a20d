#!/usr/bin/env python3
"""Check the blind QA sets (handbook.{dev,test,dev2,dev3,dev4,test3}.jsonl,
demo.{dev,test,dev2,dev3,dev4,test3}.jsonl) against the corpora.

Usage: python3 eval/check-qa-sets.py [--handbook DIR] [--demo DIR] [--verbose]

Rules checked for every line:
  * ids look like hb-NNN / dm-NNN (hb2-/dm2- in the dev2 files, hb3-/dm3- in dev3, hb4-/dm4- in the
    dev4 files, hb5-/dm5- in the test3 files) and are unique across all twelve files; the prefix
    matches the file
  * kind is answerable | unanswerable | restricted; question is non-empty
  * answerable: gold non-empty; every gold id exists and is readable by the corpus default user;
    answer_hint (1-6 words) occurs in the plain text of every gold page; every readable page whose
    plain text contains the hint is listed in gold; no member / absent fields
  * restricted: gold non-empty; every gold id exists and is NOT readable by the default user; the hint
    occurs in every gold page and in no readable page; member is a displayName in site.json that can
    read every gold page (group or user restriction, inherited down the parentId chain)
  * unanswerable: gold == [] and answer_hint == ""; absent has 1-3 terms, none of which occurs
    (case-insensitive, whole word) in any page title, labels or body of the corpus
Plain text = body with [text](url) -> text, '**', '*', '`' removed, heading '#'s removed,
whitespace collapsed, lower-cased.  No third-party dependencies.
"""
import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HANDBOOK = os.environ.get('HANDBOOK_DIR', '/work/shared/corpora/handbook')
DEFAULT_DEMO = os.environ.get('DEMO_DIR', os.path.join(os.path.dirname(HERE), 'demo-site'))
HANDBOOK_DEFAULT_USER = 'Avery Lindqvist'  # per the handbook README (site.json has no defaultUser)
KINDS = ('answerable', 'unanswerable', 'restricted')
# (id prefix, corpus key, file name)
FILES = [('hb', 'hb', 'handbook.dev.jsonl'), ('hb', 'hb', 'handbook.test.jsonl'),
         ('hb2', 'hb', 'handbook.dev2.jsonl'), ('hb3', 'hb', 'handbook.dev3.jsonl'),
         ('dm', 'dm', 'demo.dev.jsonl'), ('dm', 'dm', 'demo.test.jsonl'),
         ('dm2', 'dm', 'demo.dev2.jsonl'), ('dm3', 'dm', 'demo.dev3.jsonl'),
         ('hb4', 'hb', 'handbook.dev4.jsonl'), ('dm4', 'dm', 'demo.dev4.jsonl'),
         ('hb5', 'hb', 'handbook.test3.jsonl'), ('dm5', 'dm', 'demo.test3.jsonl')]


def norm(s):
    return re.sub(r'\s+', ' ', s).strip().lower()


def plain_text(body):
    t = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', body)
    t = t.replace('**', '').replace('*', '').replace('`', '')
    t = re.sub(r'^[ \t]*#+[ \t]*', '', t, flags=re.M)
    return norm(t)


def parse_list(s):
    s = s.strip()
    if s.startswith('[') and s.endswith(']'):
        s = s[1:-1]
    return [x.strip().strip('"').strip("'") for x in s.split(',') if x.strip()]


def parse_page(path):
    text = open(path, encoding='utf-8').read()
    m = re.match(r'^---\r?\n(.*?)\r?\n---\r?\n?(.*)$', text, re.S)
    if not m:
        raise ValueError('no front matter: ' + path)
    fm, body = m.group(1), m.group(2)
    meta = {'path': path, 'body': body}
    for line in fm.split('\n'):
        mm = re.match(r'^(\w+):\s*(.*?)\s*$', line)
        if mm:
            v = mm.group(2)
            if len(v) >= 2 and v[0] == v[-1] and v[0] in '"\'':
                v = v[1:-1]
            meta[mm.group(1)] = v
    meta['labels'] = parse_list(meta.get('labels', '[]'))
    restr = None
    rm = re.search(r'^restrictions:\s*$(.*)', fm, re.M | re.S)
    if rm:
        block = rm.group(1)
        g = re.search(r'groups:\s*(\[[^\]]*\])', block)
        u = re.search(r'users:\s*(\[[^\]]*\])', block)
        restr = (set(parse_list(g.group(1))) if g else set(),
                 set(parse_list(u.group(1))) if u else set())
    meta['restriction'] = restr
    meta['text'] = plain_text(body)
    return meta


def load_corpus(root, default_user_name=None):
    pages = {}
    pdir = os.path.join(root, 'pages')
    for space in sorted(os.listdir(pdir)):
        sdir = os.path.join(pdir, space)
        if not os.path.isdir(sdir):
            continue
        for f in sorted(os.listdir(sdir)):
            if f.endswith('.md'):
                meta = parse_page(os.path.join(sdir, f))
                pages[meta['id']] = meta
    site = json.load(open(os.path.join(root, 'site.json'), encoding='utf-8'))
    users = {u['displayName']: u for u in site['users']}
    if 'defaultUser' in site:
        default = next(u for u in site['users'] if u['email'] == site['defaultUser'])
    else:
        default = users[default_user_name]
    # restriction chain: own restriction plus every ancestor's (Confluence-style inheritance)
    for pid, meta in pages.items():
        chain, cur, seen = [], pid, set()
        while cur and cur != 'null' and cur in pages and cur not in seen:
            seen.add(cur)
            if pages[cur]['restriction'] is not None:
                chain.append(pages[cur]['restriction'])
            cur = pages[cur].get('parentId')
        meta['chain'] = chain
    return {'pages': pages, 'users': users, 'default': default}


def can_read(page, user):
    for groups, uids in page['chain']:
        if not (groups & set(user.get('groups', [])) or user['accountId'] in uids):
            return False
    return True


def whole_word_in(term, text):
    rx = re.compile(r'(?<![A-Za-z0-9])' + re.escape(term) + r'(?![A-Za-z0-9])', re.I)
    return rx.search(text) is not None


def check_line(rec, corpus, errors, where):
    pages, users, default = corpus['pages'], corpus['users'], corpus['default']
    kind = rec.get('kind')
    q = rec.get('question', '')
    gold = rec.get('gold')
    hint = rec.get('answer_hint')
    if kind not in KINDS:
        errors.append(f'{where}: bad kind {kind!r}')
        return
    if not isinstance(q, str) or not q.strip():
        errors.append(f'{where}: empty question')
    if not isinstance(gold, list):
        errors.append(f'{where}: gold must be a list')
        return
    if not isinstance(hint, str):
        errors.append(f'{where}: answer_hint must be a string')
        return
    readable = {pid for pid, p in pages.items() if can_read(p, default)}
    if kind == 'unanswerable':
        if gold:
            errors.append(f'{where}: unanswerable must have gold []')
        if hint != '':
            errors.append(f'{where}: unanswerable must have answer_hint ""')
        if 'member' in rec:
            errors.append(f'{where}: unanswerable must not have member')
        absent = rec.get('absent')
        if not isinstance(absent, list) or not 1 <= len(absent) <= 3:
            errors.append(f'{where}: absent must list 1-3 terms')
            return
        for term in absent:
            for pid, p in pages.items():
                blob = '\n'.join([p.get('title', ''), ' '.join(p['labels']), p['body']])
                if whole_word_in(term, blob):
                    errors.append(f'{where}: absent term {term!r} occurs in {pid} ({p["path"]})')
                    break
        return
    # answerable / restricted
    if 'absent' in rec:
        errors.append(f'{where}: only unanswerable lines may have absent')
    words = hint.split()
    if not 1 <= len(words) <= 6:
        errors.append(f'{where}: answer_hint must be 1-6 words, got {len(words)}')
    if not gold:
        errors.append(f'{where}: {kind} needs a non-empty gold list')
        return
    if len(set(gold)) != len(gold):
        errors.append(f'{where}: duplicate gold ids')
    h = norm(hint)
    for pid in gold:
        if pid not in pages:
            errors.append(f'{where}: gold id {pid} does not exist')
            continue
        if h not in pages[pid]['text']:
            errors.append(f'{where}: hint {hint!r} not found in gold page {pid} ({pages[pid]["path"]})')
    containing_readable = sorted(pid for pid in readable if h in pages[pid]['text'])
    if kind == 'answerable':
        if 'member' in rec:
            errors.append(f'{where}: answerable must not have member')
        for pid in gold:
            if pid in pages and pid not in readable:
                errors.append(f'{where}: gold page {pid} is not readable by the default user')
        missing = [pid for pid in containing_readable if pid not in gold]
        if missing:
            errors.append(f'{where}: readable pages containing the hint are missing from gold: {missing}')
    else:  # restricted
        for pid in gold:
            if pid in readable:
                errors.append(f'{where}: restricted gold page {pid} is readable by the default user')
        if containing_readable:
            errors.append(f'{where}: hint {hint!r} also occurs in readable pages {containing_readable}')
        member = rec.get('member')
        if member not in users:
            errors.append(f'{where}: member {member!r} is not a displayName in site.json')
        else:
            for pid in gold:
                if pid in pages and not can_read(pages[pid], users[member]):
                    errors.append(f'{where}: member {member!r} cannot read gold page {pid}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--handbook', default=DEFAULT_HANDBOOK)
    ap.add_argument('--demo', default=DEFAULT_DEMO)
    ap.add_argument('--dir', default=HERE, help='directory holding the twelve jsonl files')
    ap.add_argument('--verbose', action='store_true')
    args = ap.parse_args()
    corpora = {'hb': load_corpus(args.handbook, HANDBOOK_DEFAULT_USER), 'dm': load_corpus(args.demo)}
    errors = []
    seen_ids = {}
    counts = defaultdict(Counter)
    for prefix, corpus_key, fname in FILES:
        path = os.path.join(args.dir, fname)
        if not os.path.exists(path):
            errors.append(f'{fname}: missing')
            continue
        for n, line in enumerate(open(path, encoding='utf-8'), 1):
            if not line.strip():
                continue
            where = f'{fname}:{n}'
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f'{where}: invalid JSON ({e})')
                continue
            rid = rec.get('id', '')
            where = f'{fname}:{n} [{rid}]'
            if not re.fullmatch(prefix + r'-\d{3,}', str(rid)):
                errors.append(f'{where}: id must look like {prefix}-NNN')
            if rid in seen_ids:
                errors.append(f'{where}: duplicate id (also in {seen_ids[rid]})')
            seen_ids[rid] = where
            extra = set(rec) - {'id', 'question', 'gold', 'answer_hint', 'kind', 'member', 'absent'}
            if extra:
                errors.append(f'{where}: unexpected fields {sorted(extra)}')
            check_line(rec, corpora[corpus_key], errors, where)
            counts[fname][rec.get('kind')] += 1
    print(f'{"file":24} ' + ' '.join(f'{k:>13}' for k in KINDS) + f' {"total":>7}')
    for corpus_name in ('handbook', 'demo'):
        tot = Counter()
        for _, _, fname in FILES:
            if fname.startswith(corpus_name):
                c = counts[fname]
                tot.update(c)
                print(f'{fname:24} ' + ' '.join(f'{c[k]:>13}' for k in KINDS) + f' {sum(c.values()):>7}')
        n = sum(tot.values()) or 1
        print(f'{corpus_name + " (all)":24} ' + ' '.join(f'{tot[k]:>6} ({100 * tot[k] / n:3.0f}%)' for k in KINDS)
              + f' {sum(tot.values()):>7}')
    if errors:
        print(f'\nFAILED: {len(errors)} problem(s)')
        for e in errors if args.verbose or len(errors) <= 200 else errors[:200]:
            print('  ' + e)
        sys.exit(1)
    print('\nOK: all rules pass')


if __name__ == '__main__':
    main()
