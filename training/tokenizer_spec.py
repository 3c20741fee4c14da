"""The Conexus code tokenizer: defined once here, written as a Hugging Face tokenizer.json
for transformers.js, and mirrored in Python so training sees the same tokens as run time.

Design: code identifiers are split into the words people type in queries.
1. A `Replace` normalizer inserts a space at camelCase boundaries (`getFileName` ->
   `get File Name`, `HTTPServer` -> `HTTP Server`); it must run before lower-casing, and
   a zero-width regex keeps it portable (no back-references in the replacement).
2. `BertNormalizer` cleans control characters and lower-cases.
3. `BertPreTokenizer` splits on whitespace and punctuation, so `snake_case` splits at `_`.
4. `WordPiece` over a vocabulary of frequent words plus `##` continuations of frequent
   words, so glued identifiers (`getfilename`) still break into known words.
evaluate.ts checks that this Python mirror and transformers.js agree on real text.
"""
import unicodedata

import regex

CAMEL = r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])"
PUNCT = r"\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E"
_CAMEL_RE = regex.compile(CAMEL)
_WORD_RE = regex.compile(rf"[^\s{PUNCT}]+|[{PUNCT}]")
_CONTROL_RE = regex.compile(r"[\p{Cc}\p{Cf}]")
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_WORD_CHARS = 100


def normalize(text):
    text = _CAMEL_RE.sub(" ", text)
    # BertNormalizer: drop control characters other than whitespace, map whitespace to spaces.
    text = "".join(" " if c in "\t\n\r" else c for c in text) if ("\t" in text or "\n" in text or "\r" in text) else text
    text = _CONTROL_RE.sub("", text)
    text = text.lower()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return text


def pre_tokenize(text):
    """Words as BertPreTokenizer yields them after normalisation."""
    return _WORD_RE.findall(normalize(text))


class WordPiece:
    """Greedy longest-match WordPiece with a per-word cache (the same algorithm as transformers.js)."""

    def __init__(self, vocab):
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.unk = self.vocab["[UNK]"]
        self.cache = {}

    def word_ids(self, word):
        ids = self.cache.get(word)
        if ids is not None:
            return ids
        ids = []
        if len(word) > MAX_WORD_CHARS:
            ids = [self.unk]
        else:
            start = 0
            while start < len(word):
                end = len(word)
                found = None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.vocab:
                        found = self.vocab[piece]
                        break
                    end -= 1
                if found is None:
                    ids = [self.unk]
                    break
                ids.append(found)
                start = end
        if len(self.cache) < 2_000_000:
            self.cache[word] = ids
        return ids

    def encode(self, text, max_tokens):
        """Token ids without [CLS]/[SEP] (their rows are zero, so they do not change a pooled vector's direction)."""
        out = []
        for w in pre_tokenize(text):
            out.extend(self.word_ids(w))
            if len(out) >= max_tokens:
                return out[:max_tokens]
        return out


def tokenizer_json(vocab, max_length):
    """A tokenizer.json transformers.js (and Hugging Face tokenizers) can load."""
    ids = {t: i for i, t in enumerate(vocab)}

    def special(t):
        return {"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}

    def tok(t, type_id=0):
        return {"SpecialToken": {"id": t, "type_id": type_id}}

    return {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": max_length, "strategy": "LongestFirst", "stride": 0},
        "padding": None,
        "added_tokens": [special(t) for t in SPECIALS],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Replace", "pattern": {"Regex": CAMEL}, "content": " "},
            {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        ]},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [tok("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}}, tok("[SEP]")],
            "pair": [tok("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}}, tok("[SEP]"), {"Sequence": {"id": "B", "type_id": 1}}, tok("[SEP]", 1)],
            "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": MAX_WORD_CHARS, "vocab": ids},
    }


def tokenizer_config(max_length):
    return {
        "tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": max_length,
        "pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]",
        "clean_up_tokenization_spaces": True,
    }
