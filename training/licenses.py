"""Decides which Debian packages' sources may be used for training.

Only permissively licensed code goes into the training set. A Debian package's
licences are read from the machine-readable `/usr/share/doc/<pkg>/copyright` file
(every `License:` line); a package is used only when every licence named there is on
the allow-list below, so a package with any copyleft part is skipped whole.
"""
import fnmatch
import os
import re
from functools import lru_cache

# Licence names (lower-cased, as Debian spells them) that allow use without copyleft terms.
PERMISSIVE = re.compile(
    r"^(expat|mit|mit/x11|x11|bsd|bsd-2-clause|bsd-3-clause|bsd-4-clause|bsd-like|bsd-style|"
    r"apache|apache-2|apache-2\.0|apache2|isc|psf|psf-2|psf-2\.0|python|python-2\.0|psfl|zlib|"
    r"public-domain|public domain|pd|cc0|cc0-1\.0|unlicense|hpnd|mit-cmu|boost|bsl-1\.0|zpl-2\.1|"
    r"ofl-1\.1|ncsa|go|bsd-2|bsd-3|expat-like|mit-like|apache-2\.0-with-llvm-exception|apache-2\.0 with llvm exception|wtfpl|curl|0bsd|sil-ofl-1\.1|other-permissive|permissive)$"
)


def _split_licence_expression(expr):
    """Splits `MIT or Apache-2.0` / `BSD-3-clause and Expat` into single names."""
    parts = re.split(r"\s+(?:or|and|\|)\s+|\s*,\s*", expr.strip().lower())
    return [p.strip().rstrip("+") for p in parts if p.strip()]


@lru_cache(maxsize=None)
def package_licences(pkg):
    """All licence names in a package's copyright file, or None when it is not machine-readable."""
    path = f"/usr/share/doc/{pkg}/copyright"
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    names = set()
    for m in re.finditer(r"^License:\s*(.+)$", text, re.M):
        for name in _split_licence_expression(m.group(1)):
            names.add(name)
    return frozenset(names) if names else None


def expression_is_permissive(expr):
    """True when a DEP-5 licence expression allows permissive use (`X or GPL` lets us take X)."""
    alternatives = re.split(r"\s+or\s+|\s*\|\s*", expr.strip().lower())
    return any(all(PERMISSIVE.match(n) for n in _split_licence_expression(alt)) for alt in alternatives)


@lru_cache(maxsize=None)
def _stanzas(pkg):
    """The (file globs, licence expression) stanzas of a machine-readable copyright file, in order."""
    path = f"/usr/share/doc/{pkg}/copyright"
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return ()
    out = []
    for block in re.split(r"\n\s*\n", text):
        files = re.search(r"^Files:\s*((?:.+\n?)(?:^[ \t]+.+\n?)*)", block, re.M)
        lic = re.search(r"^License:\s*(.+)$", block, re.M)
        if files and lic:
            out.append((tuple(files.group(1).split()), lic.group(1).strip()))
    return tuple(out)


# Packages whose copyright file is not machine-readable, with the upstream licence read by hand from it.
OVERRIDES = {
    "python3-numpy": "BSD-3-clause",
    "python3-matplotlib": "PSF",
}


def file_licence(pkg, path):
    """The licence expression that applies to an installed file: the last stanza whose glob matches its path's tail."""
    if pkg in OVERRIDES:
        return OVERRIDES[pkg]
    found = None
    for globs, lic in _stanzas(pkg):
        for g in globs:
            g = g.strip("/")
            if g == "*" or fnmatch.fnmatch(path, "*/" + g) or fnmatch.fnmatch(path, "*/" + g + "/*"):
                found = lic
                break
    return found


def file_is_permissive(pkg, path):
    """True when the licence covering this installed file is permissive."""
    lic = file_licence(pkg, path)
    return lic is not None and expression_is_permissive(lic)


@lru_cache(maxsize=1)
def path_owners():
    """Maps every file installed by dpkg to its package (read once from /var/lib/dpkg/info)."""
    owners = {}
    info = "/var/lib/dpkg/info"
    for name in os.listdir(info):
        if not name.endswith(".list"):
            continue
        pkg = name[:-5].split(":")[0]
        with open(os.path.join(info, name), encoding="utf-8", errors="replace") as f:
            for line in f:
                owners[line.rstrip("\n")] = pkg
    return owners


def owner_of(path):
    """The Debian package that installed `path`, or None."""
    return path_owners().get(path)
