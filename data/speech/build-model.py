#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the nursing-handoff language model and pronunciation dictionary from the corpus.

  build-model.py lm CORPUS OUTPUT.lm [ORDER]
      An ARPA back-off n-gram model (default trigram) with interpolated absolute discounting
      (Ney, Essen, Kneser 1994): the discount D = n1 / (n1 + 2 n2) per order, the mass it frees
      given to the next lower order, the unigrams interpolated with a uniform distribution. The
      interpolated model is written in back-off form: every listed n-gram carries its interpolated
      probability and every context the weight that renormalises the lower order over the words
      not listed after it, so the ARPA model is exactly the interpolated one. Trigrams seen once
      are left out (their mass goes to the back-off), which keeps the model small.

  build-model.py dict CORPUS CMUDICT EXTRA OUTPUT.dict
      Every word of the corpus with its pronunciations: the project's EXTRA file (ARPAbet for drug
      names and clinical terms) first, then Debian's CMU dictionary (with its alternative
      pronunciations "word(2)"); an abbreviation token "d_n_r" is said as its letters' names. Fails,
      naming the words, when a word has none.
"""
import collections
import math
import sys


def read_sentences(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if words:
                yield words


def discount(counts):
    n1 = sum(1 for c in counts.values() if c == 1)
    n2 = sum(1 for c in counts.values() if c == 2)
    if n1 == 0:
        return 0.5
    d = n1 / (n1 + 2.0 * n2)
    return min(max(d, 0.1), 0.9)


def build_lm(corpus, output, order=3):
    counts = [None] + [collections.Counter() for _ in range(order)]
    for words in read_sentences(corpus):
        toks = ["<s>"] + words + ["</s>"]
        for n in range(1, order + 1):
            c = counts[n]
            for i in range(len(toks) - n + 1):
                gram = tuple(toks[i:i + n])
                if n == 1 and gram == ("<s>",):
                    continue
                c[gram] += 1
    discounts = [None] + [discount(counts[n]) for n in range(1, order + 1)]

    vocab = sorted(w for (w,) in counts[1])
    total = sum(counts[1].values())
    d1 = discounts[1]
    uniform = 1.0 / len(vocab)
    prob = [None] + [dict() for _ in range(order)]
    for w in vocab:
        c = counts[1][(w,)]
        prob[1][(w,)] = max(c - d1, 0) / total + d1 * len(vocab) / total * uniform

    backoff = [None] + [dict() for _ in range(order)]
    for n in range(2, order + 1):
        d = discounts[n]
        ctx_total = collections.Counter()
        ctx_types = collections.Counter()
        for gram, c in counts[n].items():
            ctx_total[gram[:-1]] += c
            ctx_types[gram[:-1]] += 1
        keep = {}
        for gram, c in counts[n].items():
            if n == order and n > 2 and c < 2:
                continue
            ctx = gram[:-1]
            lower = prob[n - 1][gram[1:]] if gram[1:] in prob[n - 1] else None
            if lower is None:
                lower = lower_prob(prob, backoff, gram[1:])
            keep[gram] = max(c - d, 0) / ctx_total[ctx] + d * ctx_types[ctx] / ctx_total[ctx] * lower
        prob[n] = keep
        # Back-off weights of the contexts (n-1 grams).
        listed = collections.defaultdict(lambda: [0.0, 0.0])
        for gram, p in keep.items():
            acc = listed[gram[:-1]]
            acc[0] += p
            acc[1] += lower_prob(prob, backoff, gram[1:])
        for ctx in set(prob[n - 1]) | set(listed):
            num, den = listed.get(ctx, (0.0, 0.0))
            if ctx == ("</s>",):
                continue
            num = max(1.0 - num, 1e-12)
            den = max(1.0 - den, 1e-12)
            backoff[n - 1][ctx] = math.log10(num / den)

    with open(output, "w", encoding="utf-8") as f:
        f.write("\\data\\\n")
        sizes = [len(prob[1]) + 1] + [len(prob[n]) for n in range(2, order + 1)]
        for n, size in enumerate(sizes, 1):
            f.write(f"ngram {n}={size}\n")
        for n in range(1, order + 1):
            f.write(f"\n\\{n}-grams:\n")
            entries = sorted(prob[n].items())
            if n == 1:
                entries = sorted(entries + [(("<s>",), None)])
            for gram, p in entries:
                lp = -99.0 if p is None else math.log10(p)
                line = f"{lp:.6f}\t{' '.join(gram)}"
                if n < order and gram in backoff[n]:
                    line += f"\t{backoff[n][gram]:.6f}"
                f.write(line + "\n")
        f.write("\n\\end\\\n")


def lower_prob(prob, backoff, gram):
    """P(gram[-1] | gram[:-1]) in back-off form from the orders already built."""
    n = len(gram)
    if gram in prob[n]:
        return prob[n][gram]
    if n == 1:
        raise KeyError(gram)
    ctx = gram[:-1]
    return 10 ** backoff[n - 1].get(ctx, 0.0) * lower_prob(prob, backoff, gram[1:])


def read_dict(path, prons, sources, tag):
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) < 2:
                sys.exit(f"{path}:{lineno}: a word without a pronunciation")
            word = parts[0].lower()
            if word.endswith(")") and "(" in word:
                word = word[:word.index("(")]
            if word in sources and sources[word] != tag:
                continue  # the project's own entry wins over cmudict's
            sources[word] = tag
            phones = " ".join(parts[1:])
            if phones not in prons[word]:
                prons[word].append(phones)


# The names of the letters, for abbreviation tokens such as "i_v" (gen-corpus.py's ACRONYMS).
LETTER_NAMES = {
    "a": "EY", "b": "B IY", "c": "S IY", "d": "D IY", "e": "IY", "f": "EH F", "g": "JH IY",
    "h": "EY CH", "i": "AY", "j": "JH EY", "k": "K EY", "l": "EH L", "m": "EH M", "n": "EH N",
    "o": "OW", "p": "P IY", "q": "K Y UW", "r": "AA R", "s": "EH S", "t": "T IY", "u": "Y UW",
    "v": "V IY", "w": "D AH B AH L Y UW", "x": "EH K S", "y": "W AY", "z": "Z IY",
}


def build_dict(corpus, cmudict, extra, output):
    vocab = set()
    for words in read_sentences(corpus):
        vocab.update(words)
    prons = collections.defaultdict(list)
    sources = {}
    read_dict(extra, prons, sources, "extra")
    read_dict(cmudict, prons, sources, "cmu")
    for w in vocab:
        letters = w.split("_")
        if len(letters) > 1 and w not in prons and all(l in LETTER_NAMES for l in letters):
            prons[w].append(" ".join(LETTER_NAMES[l] for l in letters))
    missing = sorted(w for w in vocab if w not in prons)
    if missing:
        sys.stderr.write("build-model.py: no pronunciation for these corpus words (add them to "
                         "data/speech/pronunciations.dict): " + " ".join(missing) + "\n")
        sys.exit(1)
    with open(output, "w", encoding="utf-8") as f:
        for w in sorted(vocab):
            for i, phones in enumerate(prons[w]):
                name = w if i == 0 else f"{w}({i + 1})"
                f.write(f"{name} {phones}\n")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "lm":
        build_lm(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 3)
    elif len(sys.argv) == 6 and sys.argv[1] == "dict":
        build_dict(*sys.argv[2:6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
