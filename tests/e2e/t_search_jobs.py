#!/usr/bin/env python3
"""The search index is made in work items on every thread: same bytes with -j 1, 2 and 3.

`fiches build` makes the index in items (html/search.c's search_job_run:
each reads the words of a group of records and writes their text
fragments; the last to end merges the groups in their order and writes the
postings and the index), interleaved with the pages on the build's threads.
Whatever the thread count and whichever item ends last, every file of the
index must have the same bytes. The corpus (bench/gencorpus, 100 fiches)
has more text fragments than the index has groups, so several groups run.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, check, finish, gencorpus, sha256, skip, tree  # noqa: E402


def index_files(pub):
    """sha256 of the search index's files (assets/recherche*)."""
    return {"assets/" + rel: v for rel, v in tree(os.path.join(pub, "assets"), sha256).items()
            if rel.startswith("recherche")}


def main():
    gen = gencorpus()
    if not gen:
        skip("search index across -j", "bench/work/bin/gencorpus cannot be built")
        finish()
        return
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="", SOURCE_DATE_EPOCH="1700000000")
    with tempfile.TemporaryDirectory(prefix="fiches-search-jobs-") as tmp:
        root = os.path.join(tmp, "corpus")
        subprocess.run([gen, "100", root], stdout=subprocess.DEVNULL, check=True)
        made = {}
        for jobs in ("1", "2", "3"):
            out = os.path.join(tmp, "out" + jobs)
            p = subprocess.run([FICHES, "build", "-q", "--no-pdf", "-j", jobs, "-C", root, "-o", out],
                               capture_output=True, text=True, env=env)
            check("build -j " + jobs, p.returncode == 0, p.stderr)
            made[jobs] = index_files(out)
        one = made["1"]
        fragments = [f for f in one if f.startswith("assets/recherche/t")]
        check("the corpus has more text fragments than the index has groups (8)",
              len(fragments) > 8, str(len(fragments)))
        check("the index's first file and postings are there",
              "assets/recherche-index.js" in one and "assets/recherche/p0.js" in one, str(sorted(one))[:300])
        for jobs in ("2", "3"):
            diff = sorted(set(one.items()) ^ set(made[jobs].items()))
            check("same index files with -j 1 and -j " + jobs, not diff, str(diff)[:300])
    finish()


if __name__ == "__main__":
    main()
