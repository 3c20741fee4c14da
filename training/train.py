"""Trains the static token-embedding table contrastively.

The model is one matrix E (vocabulary x dimension). A text's vector is the L2-normalised
mean of its tokens' rows — exactly what transformers.js computes with a Gather-only ONNX
graph, mean pooling and normalisation — so a row's length is that token's weight and the
trained table ships as is.

Objective: symmetric InfoNCE between query-like texts and their definitions with every
other definition in the (large) batch as a negative. Each definition appears at most
once per batch so a definition's second query is never counted as a negative. With
`--hard`, batches are built from definitions of the same source package (similar
vocabulary, so in-batch negatives are harder) for part of each epoch.

Usage: /usr/bin/python3 training/train.py DATA_DIR OUT.npy [--dim 256] [--epochs 12] [--batch 4096] ...
"""
import argparse
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch", type=int, default=4096)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--scale", type=float, default=20.0, help="inverse temperature of the softmax")
    ap.add_argument("--bare", type=float, default=0.5, help="probability of using the definition without its doc comment")
    ap.add_argument("--lang", type=float, default=0.5, help="probability of adding the language name to a query")
    ap.add_argument("--docq", type=float, default=0.7, help="probability of the doc-sentence query when a definition has both")
    ap.add_argument("--hard", type=float, default=0.0, help="fraction of batches drawn from one source package (harder negatives)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--checkpoint", action="store_true", help="also save the table after every epoch")
    return ap.parse_args()


class Bags:
    """Token lists in one flat array; `take(ix)` gives EmbeddingBag inputs for a batch."""

    def __init__(self, ids, off):
        self.ids, self.off = ids, off

    def take(self, ix, extra=None):
        parts = [self.ids[self.off[i]:self.off[i + 1]] for i in ix]
        if extra is not None:
            parts = [np.append(p, e) if e >= 0 else p for p, e in zip(parts, extra)]
        lens = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        flat = np.concatenate(parts) if len(parts) else np.zeros(0, np.int32)
        offsets = np.concatenate([[0], np.cumsum(lens)[:-1]])
        return torch.from_numpy(flat.astype(np.int64)), torch.from_numpy(offsets)


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    z = np.load(f"{a.data}/pairs.npz")
    vocab = open(f"{a.data}/vocab.txt").read().split("\n")[:-1]
    V = len(vocab)
    queries, docs = Bags(z["q_ids"], z["q_off"]), Bags(z["d_ids"], z["d_off"])
    rows, lang_ids = z["rows"], z["lang_ids"]
    # Group rows by definition (its full-document index) so each definition is used once per batch.
    order = np.argsort(rows[:, 1], kind="stable")
    defs, starts = np.unique(rows[order, 1], return_index=True)
    ends = np.append(starts[1:], len(order))
    print(f"{len(rows)} pairs over {len(defs)} definitions, vocab {V}, dim {a.dim}", file=sys.stderr)

    emb = torch.nn.EmbeddingBag(V, a.dim, mode="sum")
    with torch.no_grad():
        emb.weight.normal_(0, 0.1)
        emb.weight[:5] = 0  # specials: [PAD] [UNK] [CLS] [SEP] [MASK]
    opt = torch.optim.Adam(emb.parameters(), lr=a.lr)
    steps_per_epoch = max(1, len(defs) // a.batch)
    total = steps_per_epoch * a.epochs
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=total, pct_start=0.1)

    def encode(bags, ix, extra=None):
        flat, offsets = bags.take(ix, extra)
        return F.normalize(emb(flat, offsets), dim=-1)

    step, t0 = 0, time.time()
    for epoch in range(a.epochs):
        # One row per definition: the doc-sentence query with probability docq when both kinds exist.
        pick = np.empty(len(defs), dtype=np.int64)
        for k in range(len(defs)):
            cand = order[starts[k]:ends[k]]
            if len(cand) > 1:
                kinds = rows[cand, 4]
                pool = cand[kinds == 0] if rng.random() < a.docq and (kinds == 0).any() else cand[kinds == 1] if (kinds == 1).any() else cand
                pick[k] = pool[rng.integers(len(pool))]
            else:
                pick[k] = cand[0]
        perm = rng.permutation(len(pick))
        if a.hard > 0:
            # Sort a share of the definitions by index (mined files are contiguous, so neighbours share a package).
            n_hard = int(len(perm) * a.hard) // a.batch * a.batch
            hard_part = np.sort(perm[:n_hard])
            blocks = hard_part.reshape(-1, a.batch) if n_hard else np.zeros((0, a.batch), np.int64)
            perm = np.concatenate([blocks[rng.permutation(len(blocks))].reshape(-1), perm[n_hard:]])
        losses = []
        for s in range(steps_per_epoch):
            r = rows[pick[perm[s * a.batch:(s + 1) * a.batch]]]
            q_extra = np.where(rng.random(len(r)) < a.lang, lang_ids[r[:, 3], rng.integers(0, 3, len(r))], -1)
            use_bare = (r[:, 2] >= 0) & (rng.random(len(r)) < a.bare)
            d_ix = np.where(use_bare, r[:, 2], r[:, 1])
            qv = encode(queries, r[:, 0], q_extra)
            dv = encode(docs, d_ix)
            logits = a.scale * qv @ dv.T
            target = torch.arange(len(r))
            loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            with torch.no_grad():
                emb.weight[:5] = 0
            losses.append(loss.item())
            step += 1
        print(f"epoch {epoch + 1}/{a.epochs} loss {np.mean(losses):.4f} ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
        if a.checkpoint and epoch + 1 < a.epochs:
            np.save(a.out.replace(".npy", f".e{epoch + 1}.npy"), emb.weight.detach().numpy().astype(np.float32))
    np.save(a.out, emb.weight.detach().numpy().astype(np.float32))
    print(f"saved {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
