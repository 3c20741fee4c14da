"""Writes token ids from the Python tokenizer mirror for a sample of mined texts.

evaluate.ts --parity compares them with transformers.js's tokenizer on the exported
tokenizer.json: training is only valid if both sides see the same tokens.
Usage: /usr/bin/python3 training/check_parity.py VOCAB.txt MINED.jsonl OUT.jsonl [N]
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_spec import WordPiece  # noqa: E402

TRICKY = ["getFileName", "HTTPServerError parse_json_file", "utf8Encode XMLHttpRequest", "naïve café — déjà vu",
          "python check if file exists", "x = a[i]+b_c  # comment", "ÄÖÜ straße", "tab\tand\nnewline", "snake_case_name CamelCase"]


def main():
    vocab_path, mined, out_path = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 500
    vocab = open(vocab_path).read().split("\n")[:-1]
    wp = WordPiece(vocab)
    lines = open(mined).readlines()
    rnd = random.Random(7)
    texts = list(TRICKY)
    for line in rnd.sample(lines, min(n, len(lines))):
        r = json.loads(line)
        texts.append(r["code"][:800])
    with open(out_path, "w") as f:
        for t in texts:
            f.write(json.dumps({"text": t, "ids": wp.encode(t, 10_000)}) + "\n")


if __name__ == "__main__":
    main()
