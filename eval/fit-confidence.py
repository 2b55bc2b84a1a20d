#!/usr/bin/env python3
"""Fits the confidence blend of src/services/answers/confidence.ts (development aid; needs numpy).

   (npx tsx eval/features.ts ../shared/corpora/handbook eval/handbook.policy.json "Avery Lindqvist" \
        eval/handbook.dev.jsonl eval/handbook.qa.jsonl eval/handbook.dev2.jsonl eval/handbook.dev3.jsonl eval/handbook.dev4.jsonl
    npx tsx eval/features.ts demo-site - - eval/demo.dev.jsonl eval/demo-site.qa.jsonl eval/demo.dev2.jsonl eval/demo.dev3.jsonl eval/demo.dev4.jsonl) > /tmp/features.jsonl
   python3 eval/fit-confidence.py /tmp/features.jsonl

L2-regularised logistic regression, answerable = 1, on the questions the missing-topic-word rule
(answers.missingTermRarity for names, missingWordRarity for other words) does not already refuse;
prints cross-validated rates per threshold — 5-fold, and leave-one-set-out (each question set
predicted by a blend fitted on the others, the better guide to a set never seen) — and the
weights. Never run it on the *.test.jsonl and *.test3.jsonl sets."""
import json, sys
import numpy as np

R, W = 2.6, 5.0
rows = [json.loads(l) for l in open(sys.argv[1])]
rows = [r for r in rows if 'evidence' in r]
feats = lambda r: [r['evidence'], min(r['sentenceEvidence'], 1.2), min(r['missingRarity'], 6.4) / 6.4, r['topScore'], r['topSemantic'], r['topCoverage'], r['pairEvidence'], r['questionWeight'], r['scoreGap']]

def fit(X, y, l2=0.01, it=8000, lr=0.5):
    Xb = np.hstack([X, np.ones((len(X), 1))]); w = np.zeros(Xb.shape[1])
    for _ in range(it):
        p = 1 / (1 + np.exp(-Xb @ w)); w -= lr * (Xb.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0])
    return w

sc = lambda w, X: 1 / (1 + np.exp(-(np.hstack([X, np.ones((len(X), 1))]) @ w)))
kinds = np.array([r['kind'] for r in rows]); miss = np.array([r['missingRarity'] >= (R if r.get('absentName') else W) for r in rows])
keep = [r for r, m in zip(rows, miss) if not m]
X = np.array([feats(r) for r in keep]); y = np.array([1.0 if r['kind'] == 'answerable' else 0.0 for r in keep])
idx = np.random.default_rng(1).permutation(len(keep)); folds = np.array_split(idx, 5)
qset = lambda i: i.split('-')[0] if '-' in i else i[0]
sets = np.array([qset(r['id']) for r in keep])
folds_by_set = [np.where(sets == s)[0] for s in sorted(set(sets))]
for label, folds in (('5-fold', folds), ('leave-one-set-out', folds_by_set)):
  print(label)
  for th in [0.45, 0.5, 0.52, 0.53, 0.54, 0.55, 0.56, 0.58, 0.6, 0.62]:
    pred = np.zeros(len(keep), bool)
    for f in folds:
        w = fit(X[np.setdiff1d(idx, f)], y[np.setdiff1d(idx, f)]); pred[f] = sc(w, X[f]) >= th
    ans = np.zeros(len(rows), bool); ans[~miss] = pred
    print(f"  threshold {th}: answered {ans[kinds == 'answerable'].mean():.3f}, unanswerable refused {1 - ans[kinds == 'unanswerable'].mean():.2f}, restricted refused {1 - ans[kinds == 'restricted'].mean():.2f}")
print('weights (evidence, sentence, missing, topScore, topSemantic, topCoverage, pairEvidence, questionWeight, scoreGap, intercept):', ', '.join(f'{v:.3f}' for v in fit(X, y)))
