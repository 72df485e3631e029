#!/usr/bin/env python3
"""The search's folding tables (search_fold.c's lower_tab and fold_str, the FOLD
string of the browser's search) agree with each other and with Unicode:
scripts/gen-fold-tables.py --check computes them from Python's unicodedata.
Prints "N passed, N failed" last."""
import os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts/gen-fold-tables.py"), "--check"],
                   capture_output=True, text=True)
print(r.stdout + r.stderr, end="")
ok = r.returncode == 0 and "agree with Unicode" in r.stdout
print("ok   folding tables agree with Unicode" if ok else
      "FAIL folding tables: run scripts/gen-fold-tables.py --write and review the diff")
print("%d passed, %d failed" % (int(ok), int(not ok)))
sys.exit(0 if ok else 1)
