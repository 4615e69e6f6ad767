#!/usr/bin/env python3
"""Slims the shaded ebpm jar for one platform: keeps jffi's native library for that platform only, none of SQLite's
(the release ships this platform's beside the jar, and its launcher points sqlite-jdbc at it), and of bouncycastle only
the classes ebpm reaches (the closure of what ebpm's own classes reference, by jdeps).

usage: slim_jar.py IN.jar OUT.jar JFFI_PLATFORM     e.g. x86_64-Linux
"""
import collections, os, re, subprocess, sys, tempfile, zipfile

src, dst, jffi_platform = sys.argv[1:4]
BC = "org/bouncycastle/"


def jdeps_edges(classpath, target):
    """class -> classes it references, as jdeps -verbose:class reports them."""
    out = subprocess.run(["jdeps", "-verbose:class", "-filter:none", "-cp", classpath, target],
                         check=True, capture_output=True, text=True).stdout
    edges = collections.defaultdict(set)
    for line in out.splitlines():
        m = re.match(r"\s+(\S+)\s+->\s+(\S+)", line)
        if m:
            edges[m.group(1)].add(m.group(2))
    return edges


with tempfile.TemporaryDirectory() as tmp:
    with zipfile.ZipFile(src) as z:
        for n in z.namelist():
            if (n.startswith(BC) or n.startswith("dev/ebpm/")) and n.endswith(".class"):
                z.extract(n, tmp)
    ours = jdeps_edges(tmp, os.path.join(tmp, "dev"))
    bc = jdeps_edges(tmp, os.path.join(tmp, "org", "bouncycastle"))
    roots = {t for refs in ours.values() for t in refs if t.startswith("org.bouncycastle.")}
    keep, todo = set(), list(roots)
    while todo:
        c = todo.pop()
        if c not in keep:
            keep.add(c)
            todo.extend(t for t in bc.get(c, ()) if t.startswith("org.bouncycastle."))
    keep_files = {c.replace(".", "/") + ".class" for c in keep}


def wanted(name):
    if name.startswith("org/sqlite/native/"):
        return False
    if name.startswith("jni/"):
        return name.startswith("jni/" + jffi_platform + "/") or name == "jni/"
    if name.startswith(BC) and name.endswith(".class"):
        return name in keep_files  # jdeps names nested classes Outer$Inner, as their files are named
    return True


kept = dropped = 0
# stored, not deflated: the release is xz'd whole, which packs plain class files better than deflated ones
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
    for info in zin.infolist():
        if wanted(info.filename):
            data = zin.read(info)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.external_attr = info.external_attr
            zout.writestr(entry, data, compress_type=zipfile.ZIP_STORED)
            kept += 1
        else:
            dropped += 1
print(f"slim jar: {kept} entries kept, {dropped} dropped ({len(keep)} bouncycastle classes reachable)", file=sys.stderr)
