"""Builds the vocabulary and the tokenised training pairs from the mined definitions.

Queries people type are short ("python check if file exists"), documents are whole
functions. So each mined definition yields query-like texts:
- the first sentence of its doc comment, stripped of markup (the main signal);
- the words of its name (`get_file_name` -> "get file name"), a short query every
  definition has, documented or not.
and two document forms: the definition as written, and (when it has one) the definition
without its doc comment, so the model must connect query words to code, not only to
the same words in the docstring.

Writes OUT_DIR/vocab.txt and OUT_DIR/pairs.npz.
Usage: /usr/bin/python3 training/build_data.py OUT_DIR MINED.jsonl [MINED.jsonl ...]
"""
import collections
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_spec import SPECIALS, WordPiece, pre_tokenize  # noqa: E402

MAX_DOC_TOKENS = 256
MAX_QUERY_TOKENS = 32
VOCAB_WORDS = 40000
CONTINUATION_WORDS = 12000
MIN_COUNT = 4
LANG_WORDS = {"python": ["python", "py"], "go": ["go", "golang"], "rust": ["rust"], "javascript": ["javascript", "js", "node"], "typescript": ["typescript", "ts", "javascript"]}
LANGS = list(LANG_WORDS)


def first_sentence(doc):
    """The doc comment's summary: first paragraph, first sentence, markup removed."""
    para = re.split(r"\n\s*\n", doc.strip())[0]
    para = re.sub(r"@\w+.*", "", para, flags=re.S)           # JSDoc tags
    para = re.sub(r":(param|type|return|rtype|raises)\b.*", "", para, flags=re.S)
    para = re.sub(r":\w+:`([^`]*)`", r"\1", para)              # :class:`Foo`
    para = re.sub(r"[`*_]{1,2}", " ", para)
    para = re.sub(r"https?://\S+", " ", para)
    para = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", para)       # markdown links
    para = " ".join(para.split())
    m = re.match(r"(.+?[.!?])(\s|$)", para)
    sent = m.group(1) if m else para
    words = sent.split()
    return " ".join(words[:24]) if len(words) >= 2 else None


def name_words(name):
    words = [w for w in re.split(r"[_$\s]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", name) if w]
    return " ".join(w.lower() for w in words)


def load(paths):
    recs = []
    for p in paths:
        with open(p) as f:
            for line in f:
                recs.append(json.loads(line))
    return recs


def build_vocab(recs):
    counts = collections.Counter()
    chars = collections.Counter()
    for r in recs:
        words = pre_tokenize(r["code"][:3000])
        counts.update(words)
        if r.get("doc"):
            counts.update(pre_tokenize(r["doc"][:1000]))
    for w, c in counts.items():
        for ch in w:
            chars[ch] += c
    vocab = list(SPECIALS)
    single = sorted(ch for ch, c in chars.items() if c >= 20)
    vocab += single + ["##" + ch for ch in single if ch.isalnum()]
    seen = set(vocab)
    words = [w for w, c in counts.most_common() if c >= MIN_COUNT and len(w) <= 40]
    for w in words:
        if len(vocab) >= VOCAB_WORDS + len(SPECIALS) + 2 * len(single):
            break
        if w not in seen:
            vocab.append(w)
            seen.add(w)
    alpha = [w for w in words if w.isalpha() and len(w) >= 2][:CONTINUATION_WORDS]
    for w in alpha:
        if "##" + w not in seen:
            vocab.append("##" + w)
            seen.add("##" + w)
    for lang_words in LANG_WORDS.values():
        for w in lang_words:
            if w not in seen:
                vocab.append(w)
                seen.add(w)
    return vocab


class Flat:
    """Variable-length token lists stored as one int32 array plus offsets."""

    def __init__(self):
        self.ids, self.offsets = [], [0]

    def add(self, toks):
        self.ids.extend(toks)
        self.offsets.append(len(self.ids))
        return len(self.offsets) - 2

    def arrays(self):
        return np.asarray(self.ids, dtype=np.int32), np.asarray(self.offsets, dtype=np.int64)


def main():
    out_dir, paths = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    recs = load(paths)
    print(f"{len(recs)} definitions", file=sys.stderr)
    vocab = build_vocab(recs)
    with open(os.path.join(out_dir, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    print(f"vocab {len(vocab)}", file=sys.stderr)
    wp = WordPiece(vocab)
    queries, docs = Flat(), Flat()
    # One row per (query text, definition): query index, full-doc index, bare-doc index (-1 if none), language, kind.
    rows = []
    for r in recs:
        full = docs.add(wp.encode(r["code"], MAX_DOC_TOKENS))
        bare = docs.add(wp.encode(r["bare"], MAX_DOC_TOKENS)) if r.get("bare") else -1
        lang = LANGS.index(r["lang"])
        if r.get("doc"):
            s = first_sentence(r["doc"])
            if s:
                rows.append((queries.add(wp.encode(s, MAX_QUERY_TOKENS)), full, bare, lang, 0))
        nw = name_words(r["name"])
        if len(nw.split()) >= 2 or r.get("doc"):
            rows.append((queries.add(wp.encode(nw, MAX_QUERY_TOKENS)), full, bare, lang, 1))
    q_ids, q_off = queries.arrays()
    d_ids, d_off = docs.arrays()
    lang_ids = np.asarray([[wp.vocab[LANG_WORDS[l][i % len(LANG_WORDS[l])]] for i in range(3)] for l in LANGS], dtype=np.int64)
    np.savez(os.path.join(out_dir, "pairs.npz"), q_ids=q_ids, q_off=q_off, d_ids=d_ids, d_off=d_off,
             rows=np.asarray(rows, dtype=np.int64), lang_ids=lang_ids)
    print(f"{len(rows)} pairs, {len(q_ids)} query tokens, {len(d_ids)} document tokens", file=sys.stderr)


if __name__ == "__main__":
    main()
