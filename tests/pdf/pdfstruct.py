"""Reading a tagged PDF back for the tests (issue 17, item 7): the structure
tree, the marked content of the page content streams, the outline and the
XMP metadata, from `qpdf --json` (objects, with the streams decoded).

There is no veraPDF in Debian: the checks a PDF/UA validator would make
on our files are written here, on what qpdf reads, and each returns the
problems it finds (an empty list: the check holds). pdftext() and
pdfinfo() read a PDF's text and Info dictionary back with poppler."""
import base64
import json
import re
import subprocess
import xml.etree.ElementTree as ET

OPS = re.compile(rb"/(\w+)\s*(<<[^>]*>>\s*)?BDC|/(\w+)\s+BMC|\bEMC\b|\bTJ|\bTj|'|\"")
PAINT = re.compile(rb"(?<![\w/])(f\*?|S|B\*?|b\*?|Do|sh)\s*$")


def pdftext(pdf, first=None, last=None, layout=False):
    """pdftotext's text of pages first..last (all by default; last: first)."""
    cmd = ["pdftotext"]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    if layout:
        cmd.append("-layout")
    return subprocess.run(cmd + [pdf, "-"], capture_output=True, text=True).stdout


def pdfinfo(pdf):
    """pdfinfo's fields (« Pages », « Page size », « Title »…), stripped."""
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return dict((k.strip(), v.strip()) for k, v in (l.split(":", 1) for l in out.splitlines() if ":" in l))


class Doc:
    def __init__(self, path):
        out = subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline", "--decode-level=generalized",
                              path], capture_output=True, check=True).stdout
        self.json = json.loads(out)
        self.objs = {}
        for key, val in self.json["qpdf"][1].items():
            if key.startswith("obj:"):
                self.objs[key[4:]] = val
        self.trailer = self.json["qpdf"][1].get("trailer", {}).get("value", {})
        self.catalog = self.value(self.trailer.get("/Root"))
        self.pages = [p["object"] for p in self.json["pages"]]

    def value(self, ref):
        """The object a reference names (direct values are returned as they are)."""
        if isinstance(ref, str) and ref.endswith(" R"):
            o = self.objs.get(ref, {})
            if "stream" in o:
                return o["stream"]["dict"]
            return o.get("value")
        return ref

    def stream(self, ref):
        o = self.objs.get(ref, {})
        data = o.get("stream", {}).get("data")
        return base64.b64decode(data) if data else b""

    # ---- structure tree ----

    def struct_tree(self):
        """(root) -> nested dicts {type, kids, mcids, objr, page, ref}."""
        root = self.value(self.catalog.get("/StructTreeRoot"))
        if not root:
            return None

        def node(ref, page=None):
            d = self.value(ref)
            if not isinstance(d, dict):
                return None
            page = d.get("/Pg", page)
            n = {"type": d.get("/S", "")[1:], "kids": [], "mcids": [], "objr": [], "ref": ref,
                 "alt": d.get("/Alt")}
            kids = d.get("/K")
            if kids is None:
                kids = []
            elif not isinstance(kids, list):
                kids = [kids]
            for k in kids:
                if isinstance(k, int):
                    n["mcids"].append((page, k))
                elif isinstance(k, dict) and k.get("/Type") == "/OBJR":
                    n["objr"].append(k.get("/Obj"))
                elif isinstance(k, dict) and "/MCID" in k:
                    n["mcids"].append((k.get("/Pg", page), k["/MCID"]))
                elif isinstance(k, str):
                    c = node(k, page)
                    if c:
                        n["kids"].append(c)
            return n
        top = root.get("/K")
        top = top if isinstance(top, list) else [top] if top else []
        return {"type": "StructTreeRoot", "kids": [c for c in (node(k) for k in top) if c],
                "mcids": [], "objr": [], "ref": None}

    @staticmethod
    def walk(n, depth=0):
        yield n, depth
        for k in n["kids"]:
            yield from Doc.walk(k, depth + 1)

    # ---- page content ----

    def page_contents(self, i):
        """The decoded content stream(s) of page i (0-based)."""
        page = self.value(self.pages[i])
        c = page.get("/Contents")
        refs = c if isinstance(c, list) else [c]
        return b"\n".join(self.stream(r) for r in refs if r)

    def mcid_texts(self, i):
        """{mcid: text-showing operators' bytes} of page i, and the text drawn outside any marked content."""
        data = self.page_contents(i)
        stack, texts, outside = [], {}, []
        for line in data.split(b"\n"):
            m = re.match(rb"\s*/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC", line)
            if m:
                stack.append((m.group(1).decode(), int(m.group(2))))
                continue
            m = re.match(rb"\s*/(\w+)\s+BMC", line)
            if m:
                stack.append((m.group(1).decode(), None))
                continue
            if line.strip() == b"EMC":
                if stack:
                    stack.pop()
                continue
            if re.search(rb"(TJ|Tj)\s*$", line):
                if not stack:
                    outside.append(line)
                else:
                    mcid = next((mc for _, mc in reversed(stack) if mc is not None), None)
                    if mcid is not None:
                        texts.setdefault(mcid, []).append(line)
        return texts, outside

    def unmarked_drawing(self, i):
        """Painting and text operators of page i in no marked content (neither tagged nor artifact)."""
        data = self.page_contents(i)
        depth, found = 0, []
        for line in data.split(b"\n"):
            s = line.strip()
            if s.endswith(b"BDC") or s.endswith(b"BMC"):
                depth += 1
            elif s == b"EMC":
                depth -= 1
            elif depth == 0 and (re.search(rb"(TJ|Tj)$", s) or PAINT.search(s)):
                found.append(s)
        return found

    def artifact_texts(self, i):
        """Text operators of page i inside /Artifact marked content."""
        data = self.page_contents(i)
        stack, found = [], []
        for line in data.split(b"\n"):
            s = line.strip()
            m = re.match(rb"/(\w+)", s)
            if s.endswith(b"BDC") or s.endswith(b"BMC"):
                stack.append(m.group(1) if m else b"")
            elif s == b"EMC":
                if stack:
                    stack.pop()
            elif b"Artifact" in stack and re.search(rb"(TJ|Tj)$", s):
                found.append(s)
        return found

    # ---- outline, metadata ----

    def outline(self):
        """[(depth, title)] of the bookmarks, depth 0 at the top."""
        out = []

        def walk(items, depth):
            for it in items:
                out.append((depth, it.get("title", "")))
                walk(it.get("kids", []), depth + 1)
        walk(self.json.get("outlines", []), 0)
        return out

    def xmp(self):
        """The catalog's /Metadata stream parsed as XML, or None."""
        ref = self.catalog.get("/Metadata")
        if not ref:
            return None
        return ET.fromstring(self.stream(ref))


def text_of_ops(ops):
    """Rough text of text-showing operators (hex glyph strings are not decoded): for emptiness checks."""
    return b"".join(ops)
