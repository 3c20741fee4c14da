"""Mines (description, code) pairs from permissively licensed Python on this machine.

Every function, method and class is parsed with `ast`. A definition with a docstring
gives a pair (docstring -> definition); one without still gives a weaker pair (its name's
words -> definition), since a good name is a short description. Sources: the Python
standard library (PSF licence) of Debian's and pyenv's Python 3.11, and every module under
`/usr/lib/python3/dist-packages` whose Debian copyright file puts that very file under a
permissive licence (see licenses.py).

Writes JSON lines `{"doc": str|null, "name": str, "code": str, "lang": "python", "src": pkg, "lic": licence}`.
Usage: /usr/bin/python3 training/mine_python.py OUT.jsonl
"""
import ast
import hashlib
import json
import os
import sys
import textwrap
import warnings
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import licenses  # noqa: E402

STDLIB_ROOTS = ["/usr/lib/python3.11", "/root/.pyenv/versions/3.11.7/lib/python3.11"]
DIST_ROOT = "/usr/lib/python3/dist-packages"
MAX_CODE_CHARS = 4000
SKIP_DIRS = {"__pycache__", "site-packages", "dist-packages", "idlelib", "lib2to3", "test", "tests", "testing"}


def list_files():
    """(path, source package, licence) for every Python file we may use."""
    out = []
    for root in STDLIB_ROOTS:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            out += [(os.path.join(dirpath, f), "python3.11-stdlib", "PSF-2.0") for f in filenames if f.endswith(".py")]
    for dirpath, dirnames, filenames in os.walk(DIST_ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and d != "sympy"]
        for f in filenames:
            if not f.endswith(".py"):
                continue
            path = os.path.join(dirpath, f)
            pkg = licenses.owner_of(path)
            if pkg and licenses.file_is_permissive(pkg, path):
                out.append((path, pkg, licenses.file_licence(pkg, path)))
    return out


def strip_docstring(node, segment_lines, first_line):
    """The definition's source without its docstring lines (the code a docstring describes)."""
    body = node.body
    if not body or not isinstance(body[0], ast.Expr) or not isinstance(getattr(body[0], "value", None), ast.Constant):
        return None
    d = body[0]
    a, b = d.lineno - first_line, d.end_lineno - first_line
    rest = segment_lines[:a] + segment_lines[b + 1:]
    return "\n".join(rest)


def mine_file(item):
    path, pkg, lic = item
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            src = open(path, encoding="utf-8").read()
            tree = ast.parse(src)
    except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError, OSError):
        return []
    lines = src.split("\n")
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        name = node.name
        if name.startswith("test") or (name.startswith("__") and name != "__init__"):
            continue
        seg = lines[node.lineno - 1:node.end_lineno]
        if len(seg) < 2:
            continue
        code = textwrap.dedent("\n".join(seg))
        if len(code) > MAX_CODE_CHARS:
            code = code[:MAX_CODE_CHARS]
        doc = ast.get_docstring(node)
        bare = None
        if doc:
            stripped = strip_docstring(node, seg, node.lineno)
            bare = textwrap.dedent(stripped)[:MAX_CODE_CHARS] if stripped else None
        elif len(seg) < 3:
            continue
        out.append({"doc": doc, "name": name, "code": code, "bare": bare, "lang": "python", "src": pkg, "lic": lic})
    return out


def main():
    out_path = sys.argv[1]
    files = list_files()
    print(f"python: {len(files)} files", file=sys.stderr)
    seen = set()
    n = 0
    with open(out_path, "w") as out, Pool(2) as pool:
        for recs in pool.imap(mine_file, files, chunksize=32):  # ordered: the same data order on every run
            for r in recs:
                h = hashlib.md5(r["code"].encode("utf-8", "replace")).digest()
                if h in seen:
                    continue
                seen.add(h)
                out.write(json.dumps(r) + "\n")
                n += 1
    print(f"python: {n} definitions", file=sys.stderr)


if __name__ == "__main__":
    main()
