"""Mines (doc comment, definition) pairs from Go, Rust and JavaScript/TypeScript.

The three languages write documentation the same way: a comment block right above the
definition (`// Name does…` in Go, `///` in Rust, `/** … */` JSDoc in JS/TS). A line
scanner finds such a block followed by a function header and takes the definition up to
its matching closing brace (brace counting is enough for well-formatted library code).

Sources and licences: Go's standard library from Debian's golang-1.19-src (BSD-3-Clause),
Rust's standard library from Debian's rust-src (MIT or Apache-2.0), and packages under
node_modules whose package.json declares a permissive licence.

Writes the same JSON lines as mine_python.py.
Usage: /usr/bin/python3 training/mine_other.py OUT.jsonl NODE_MODULES_DIR
"""
import hashlib
import json
import os
import re
import sys

MAX_CODE_CHARS = 4000
MAX_LINES = 120
PERMISSIVE_NPM = re.compile(r"^\(?\s*(mit|isc|bsd-2-clause|bsd-3-clause|apache-2\.0|0bsd|unlicense|cc0-1\.0|blueoak-1\.0\.0|python-2\.0)(\s+or\s+.+)?\)?$", re.I)

GO_FUNC = re.compile(r"^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)")
RUST_FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+\"[^\"]*\"\s+)?fn\s+([A-Za-z_]\w*)")
JS_FUNC = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)"
    r"|^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)"
    r"|^\s*(?:public\s+|private\s+|protected\s+|static\s+|async\s+|readonly\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*$"
    r"|^\s*([A-Za-z_$][\w$.]*)\s*=\s*function\b"
)
JS_KEYWORDS = {"if", "for", "while", "switch", "catch", "return", "function", "constructor", "else", "with"}


def take_body(lines, start):
    """Lines from `start` through the line where braces opened on or after it balance again."""
    depth = 0
    opened = False
    for i in range(start, min(len(lines), start + MAX_LINES)):
        line = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`|//.*$', "", lines[i])
        depth += line.count("{") - line.count("}")
        if "{" in line:
            opened = True
        if opened and depth <= 0:
            return lines[start:i + 1]
        if not opened and line.rstrip().endswith(";"):
            return None  # a declaration without a body
    return None


def clean_line_comment(block, marker):
    return "\n".join(re.sub(r"^\s*" + marker + r"\s?", "", l) for l in block).strip()


def mine_line_doc(path, lang, marker, header):
    """Go and Rust: a run of `marker` comment lines, optional attributes, then a function header."""
    try:
        lines = open(path, encoding="utf-8").read().split("\n")
    except (UnicodeDecodeError, OSError):
        return []
    out = []
    i = 0
    while i < len(lines):
        if not lines[i].lstrip().startswith(marker) or lines[i].lstrip().startswith(marker + "/"):
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].lstrip().startswith(marker):
            j += 1
        block = lines[i:j]
        k = j
        while k < len(lines) and lines[k].lstrip().startswith("#["):
            k += 1
        m = header.match(lines[k]) if k < len(lines) else None
        if m:
            body = take_body(lines, k)
            if body and len(body) >= 2:
                doc = clean_line_comment(block, marker)
                code = "\n".join(lines[i:k]) + "\n" + "\n".join(body) if lang == "rust" else "\n".join(block + body)
                bare = "\n".join(body)
                out.append({"doc": doc, "name": m.group(1), "code": code[:MAX_CODE_CHARS], "bare": bare[:MAX_CODE_CHARS], "lang": lang})
        i = max(j, i + 1)
    return out


def mine_js(path):
    try:
        text = open(path, encoding="utf-8").read()
    except (UnicodeDecodeError, OSError):
        return []
    if len(text) > 400_000 or "\n" not in text[:5000]:
        return []  # bundled or minified
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        if not lines[i].lstrip().startswith("/**"):
            i += 1
            continue
        j = i
        while j < len(lines) and "*/" not in lines[j]:
            j += 1
        if j >= len(lines):
            break
        k = j + 1
        m = JS_FUNC.match(lines[k]) if k < len(lines) else None
        name = next((g for g in m.groups() if g), None) if m else None
        if name and name not in JS_KEYWORDS:
            body = take_body(lines, k)
            if body and len(body) >= 2:
                raw = "\n".join(lines[i:j + 1])
                doc = re.sub(r"^\s*/\*\*|\*/\s*$", "", raw)
                doc = "\n".join(re.sub(r"^\s*\*\s?", "", l) for l in doc.split("\n")).strip()
                code = "\n".join(lines[i:k] + body)
                lang = "typescript" if path.endswith(".ts") else "javascript"
                out.append({"doc": doc, "name": name, "code": code[:MAX_CODE_CHARS], "bare": "\n".join(body)[:MAX_CODE_CHARS], "lang": lang})
        i = j + 1
    return out


def walk(root, exts, skip):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for f in filenames:
            if f.endswith(exts) and not f.endswith(("_test.go", ".min.js")):
                yield os.path.join(dirpath, f)


def npm_packages(node_modules):
    """(package folder, name, licence) for every installed package with a permissive licence."""
    for dirpath, dirnames, filenames in os.walk(node_modules):
        if "package.json" in filenames and os.path.basename(os.path.dirname(dirpath)) in ("node_modules",) or (
            "package.json" in filenames and os.path.basename(os.path.dirname(os.path.dirname(dirpath))) == "node_modules"
            and os.path.basename(os.path.dirname(dirpath)).startswith("@")):
            try:
                meta = json.load(open(os.path.join(dirpath, "package.json")))
            except (ValueError, OSError):
                continue
            lic = meta.get("license")
            if isinstance(lic, dict):
                lic = lic.get("type")
            if isinstance(lic, str) and PERMISSIVE_NPM.match(lic.strip()):
                yield dirpath, meta.get("name", os.path.basename(dirpath)), lic


def main():
    out_path, node_modules = sys.argv[1], sys.argv[2]
    seen = set()
    counts = {}

    def emit(recs, src, lic, out):
        for r in recs:
            h = hashlib.md5(r["code"].encode("utf-8", "replace")).digest()
            if h in seen:
                continue
            seen.add(h)
            r["src"], r["lic"] = src, lic
            out.write(json.dumps(r) + "\n")
            counts[src] = counts.get(src, 0) + 1

    with open(out_path, "w") as out:
        for p in walk("/usr/share/go-1.19/src", (".go",), {"testdata", "vendor", "cmd"}):
            emit(mine_line_doc(p, "go", "//", GO_FUNC), "golang-1.19-src", "BSD-3-Clause", out)
        for p in walk("/usr/src/rustc-1.63.0/library", (".rs",), {"tests", "benches"}):
            emit(mine_line_doc(p, "rust", "///", RUST_FN), "rust-src (library/)", "MIT OR Apache-2.0", out)
        for folder, name, lic in npm_packages(node_modules):
            for p in walk(folder, (".js", ".mjs", ".cjs", ".ts"), {"node_modules", "test", "tests", "__tests__"}):
                if p.endswith(".d.ts"):
                    continue
                emit(mine_js(p), f"npm:{name}", lic, out)
    total = sum(counts.values())
    print(f"other: {total} definitions from {len(counts)} sources", file=sys.stderr)
    json.dump(counts, open(out_path + ".counts.json", "w"), indent=1)


if __name__ == "__main__":
    main()
