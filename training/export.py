"""Exports a trained token table as a Hugging Face model folder transformers.js loads.

Layout: config.json, tokenizer.json, tokenizer_config.json and onnx/model_quantized.onnx
(and onnx/model.onnx with --fp32). The graph is a static embedding lookup: input
`input_ids` [batch, sequence] -> output `last_hidden_state` [batch, sequence, dim]. The
quantised graph stores int8 rows with one float scale per row (Gather both, Cast, Mul),
which keeps each token's weight (its row length) exact up to rounding at a quarter of
the size. Special tokens other than [UNK] get zero rows, so [CLS]/[SEP] added by the
tokenizer do not move a text's direction under mean pooling.

Usage: /usr/bin/python3 training/export.py TABLE.npy VOCAB.txt OUT_DIR [--fp32] [--max-length 512] [--meta JSON]
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_spec import tokenizer_config, tokenizer_json  # noqa: E402


def io(dim):
    inp = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", dim])
    return inp, out


def fp32_model(table):
    inp, out = io(table.shape[1])
    init = numpy_helper.from_array(table.astype(np.float32), "embeddings")
    node = helper.make_node("Gather", ["embeddings", "input_ids"], ["last_hidden_state"], axis=0)
    graph = helper.make_graph([node], "conexus_static_embedding", [inp], [out], [init])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="conexus-training")


def int8_model(table):
    inp, out = io(table.shape[1])
    scale = np.abs(table).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(table / scale), -127, 127).astype(np.int8)
    inits = [numpy_helper.from_array(q, "embeddings_int8"), numpy_helper.from_array(scale.astype(np.float32), "row_scales")]
    nodes = [
        helper.make_node("Gather", ["embeddings_int8", "input_ids"], ["rows_int8"], axis=0),
        helper.make_node("Cast", ["rows_int8"], ["rows_float"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["row_scales", "input_ids"], ["scales"], axis=0),
        helper.make_node("Mul", ["rows_float", "scales"], ["last_hidden_state"]),
    ]
    graph = helper.make_graph(nodes, "conexus_static_embedding_int8", [inp], [out], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="conexus-training")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("table")
    ap.add_argument("vocab")
    ap.add_argument("out")
    ap.add_argument("--fp32", action="store_true")
    ap.add_argument("--no-int8", action="store_true")
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--meta", default="{}", help="JSON merged into config.json under `conexus`")
    a = ap.parse_args()
    table = np.load(a.table).astype(np.float32)
    vocab = open(a.vocab).read().split("\n")[:-1]
    assert table.shape[0] == len(vocab), f"table has {table.shape[0]} rows, vocab {len(vocab)} tokens"
    for special in ("[PAD]", "[CLS]", "[SEP]", "[MASK]"):
        table[vocab.index(special)] = 0
    os.makedirs(os.path.join(a.out, "onnx"), exist_ok=True)
    config = {"model_type": "bert", "architectures": ["BertModel"], "hidden_size": int(table.shape[1]),
              "vocab_size": len(vocab), "max_position_embeddings": a.max_length, "conexus": json.loads(a.meta)}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(a.out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab, a.max_length), f, ensure_ascii=False)
    with open(os.path.join(a.out, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config(a.max_length), f, indent=2)
    if not a.no_int8:
        onnx.save(int8_model(table), os.path.join(a.out, "onnx", "model_quantized.onnx"))
    if a.fp32:
        onnx.save(fp32_model(table), os.path.join(a.out, "onnx", "model.onnx"))
    print(f"exported {a.out} ({len(vocab)} x {table.shape[1]})", file=sys.stderr)


if __name__ == "__main__":
    main()
