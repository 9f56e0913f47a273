#!/usr/bin/env python3
"""Writes vectors.json: webhook signatures made by Python's own json and hmac.

The service's reference signs a payload as

    canonical = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    hmac.new(secret, f"{timestamp}.{canonical}".encode(), hashlib.sha256).hexdigest()

and its TypeScript sample signs the unescaped form (no ensure_ascii). Each
vector is a body as it could be sent (any whitespace, any key order, any
escaping), what json.loads makes of it re-serialized in both forms, and both
signatures. The Go tests read vectors.json; they never run Python.

    python3 make_vectors.py > vectors.json   (Python 3.11, standard library only)

Bytes (bodies, canonical forms) are base64, since some are not UTF-8
(Python's json.loads decodes bytes with "surrogatepass").
"""

import base64
import hashlib
import hmac
import json
import random
import struct
import sys


def b64(b):
    return base64.b64encode(b).decode("ascii")


def canonical(obj, ascii_):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=ascii_)


def sign(secret, ts, canon):
    return hmac.new(secret.encode(), f"{ts}.{canon}".encode(), hashlib.sha256).hexdigest()


def vector(name, body, secret="whsec_test_secret", ts=1796169600):
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    obj = json.loads(body)
    ascii_c = canonical(obj, True)
    v = {"name": name, "secret": secret, "timestamp": str(ts), "body": b64(body),
         "canonical_ascii": b64(ascii_c.encode("ascii")), "signature_ascii": sign(secret, ts, ascii_c)}
    raw_c = canonical(obj, False)
    try:
        raw_b = raw_c.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the unescaped form cannot be sent, nor signed
        v["canonical_unescaped"] = None
        v["signature_unescaped"] = None
    else:
        v["canonical_unescaped"] = b64(raw_b)
        v["signature_unescaped"] = sign(secret, ts, raw_c)
    return v


def event(status, metadata, task_id="3f1e2d4c-0000-4000-8000-000000000001", ts="2026-12-02T00:00:00.123456Z"):
    return {"type": "agent.task.status_update", "timestamp": ts,
            "payload": {"task_id": task_id, "session_id": "9a8b7c6d-0000-4000-8000-000000000002",
                        "status": status, "metadata": metadata}}


def shuffled(obj, rng):
    """The same object with its keys in a random order, at every level."""
    if isinstance(obj, dict):
        items = list(obj.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(obj, list):
        return [shuffled(v, rng) for v in obj]
    return obj


def main():
    rng = random.Random(16)
    vs = []
    ev = event("finished", {"order": "42", "user": "ada"})
    vs.append(vector("compact, sorted already", canonical(ev, True)))
    vs.append(vector("pretty, keys shuffled", json.dumps(shuffled(ev, rng), indent=2)))
    vs.append(vector("test event", json.dumps({"type": "test", "timestamp": "2026-12-02T00:00:00Z", "payload": {}})))
    vs.append(vector("status words: running", json.dumps(event("running", {}))))
    vs.append(vector("status words: idle", json.dumps(event("idle", {}))))
    vs.append(vector("unknown type and status", json.dumps(
        {"type": "agent.task.something_new", "timestamp": "2026-12-02T00:00:00Z",
         "payload": {"task_id": "t", "status": "paused", "extra": [1, 2]}})))
    non_ascii = event("finished", {"city": "Zürich", "greeting": "こんにちは", "name": "Ελένη", "rtl": "שלום"})
    vs.append(vector("non-ASCII sent raw", json.dumps(non_ascii, ensure_ascii=False)))
    vs.append(vector("non-ASCII sent escaped", json.dumps(non_ascii)))
    emoji = event("finished", {"emoji": "😀👍🏽", "flag": "🇨🇭", "zwj": "👩‍💻", "astral": "\U0010FFFF"})
    vs.append(vector("emoji raw", json.dumps(emoji, ensure_ascii=False, indent=1)))
    vs.append(vector("emoji escaped", json.dumps(emoji)))
    vs.append(vector("escapes", json.dumps(event("failed", {
        "quote": 'say "hi"', "backslash": "C:\\path\\to", "slash": "a/b", "newline": "a\nb", "cr": "a\rb", "tab": "a\tb",
        "bs": "a\bb", "ff": "a\fb", "nul": "a\x00b", "bell": "\x07", "unit sep": "\x1f", "del": "\x7f", "c1": "\x80\x9f",
        "nbsp": "\u00a0", "line sep": "\u2028", "bom": "\ufeff", "private": "\ue000", "nonchar": "\uffff"}))))
    vs.append(vector("escaped slash and upper-case hex", '{"a":"\\/\\u00E9\\u00e9\\uD83D\\uDE00","b":"\\""}'))
    vs.append(vector("numbers", '{"ints":[0,-0,1,-1,42,9007199254740993,123456789012345678901234567890,-98765432109876543210],'
                     '"floats":[1.0,-1.0,0.0,-0.0,0.1,1e100,1E5,1.5e-7,2.5E+3,1e16,1e15,0.0001,0.00001,'
                     '123456789.123456789,5e-324,1.7976931348623157e308,1e400,-1e400,1e-400,3.14159265358979323846,'
                     '100,1e22,1e21,0.30000000000000004,1.00000000000000001]}'))
    vs.append(vector("a 4300-digit integer", '{"n":' + "7" * 4300 + "}"))
    vs.append(vector("NaN and Infinity literals", '{"a":NaN,"b":Infinity,"c":-Infinity}'))
    vs.append(vector("nested metadata", json.dumps(shuffled(event("stopped", {
        "a": {"b": {"c": {"d": [1, {"z": None, "y": True, "x": False}, [], {}]}}}, "list": [[[["deep"]]]],
        "empty": "", "unicode key é": {"ü": 1}}), rng), indent="\t")))
    vs.append(vector("keys needing sort", json.dumps({
        "b": 1, "a": 2, "B": 3, "A": 4, "_": 5, "aa": 6, "a ": 7, "": 8, "10": 9, "9": 10, "é": 11, "e": 12,
        "z": 13, "\u00ff": 14, "\u0100": 15, "\ue000": 16, "\uffff": 17, "😀": 18, "\U0001F600x": 19,
        "\U00010000": 20, "\ufb01": 21, "\x7f": 22, "~": 23}, ensure_ascii=False)))
    vs.append(vector("astral vs BMP above U+E000 (code point order, not UTF-16)",
                     json.dumps({"\U0001F600": 1, "\uff5e": 2, "\ue000": 3, "\ud7ff": 4, "\U00010000": 5}, ensure_ascii=False)))
    vs.append(vector("duplicate keys: the last wins", '{"a":1,"b":2,"a":3,"c":{"x":1,"x":{"y":2}}}'))
    vs.append(vector("whitespace everywhere", ' \n\t{ "b" :\r\n [ 1 , 2 ] ,\t"a" : { } } \n'))
    vs.append(vector("UTF-8 BOM", b"\xef\xbb\xbf" + b'{"a":1}'))
    vs.append(vector("lone surrogates", '{"hi":"\\ud800","lo":"\\udc00x","reversed":"\\ude00\\ud83d"}'))
    vs.append(vector("raw UTF-8 surrogate (surrogatepass)", b'{"s":"\xed\xa0\x80"}'))
    vs.append(vector("top-level array", "[3, 2, 1]"))
    vs.append(vector("top-level string", '"\u00e9"'))
    vs.append(vector("secret with non-ASCII", json.dumps(ev), secret="sécret-🔑"))
    vs.append(vector("old timestamp", json.dumps(ev), ts=1))

    # Bodies json.loads refuses: the Go side must refuse them too (ErrBadJSON).
    invalid = ["", " ", "{", "}", '{"a":1,}', "[1,]", '{"a" 1}', "{'a':1}", "01", "1.", ".5", "1e", "-", "+1", "--1",
               '"\x01"', '"a\\x"', '"\\u12"', '"\\u12G4"', "nan", "infinity", "-NaN", "tru", "nul", "[1 2]",
               '{"a":1}x', "\x00", '{"a":"\xff"}', "1" * 4301, "[" * 2000 + "]" * 2000, '"unterminated', '{"a":}']
    bad = []
    for raw in invalid:
        b = raw.encode("latin-1") if any(ord(c) > 0x7f for c in raw) else raw.encode()
        try:
            json.loads(b)
        except (ValueError, RecursionError):
            bad.append(b64(b))
        else:
            raise SystemExit(f"json.loads accepted {raw!r}")

    # Floats: Python's repr of what float() reads, from many spellings.
    floats = []
    specials = ["0.1", "0.2", "0.3", "1e23", "9007199254740993.0", "2.2250738585072014e-308", "4.9e-324", "2.4e-324",
                "1.7976931348623158e308", "0.000123", "123456789012345678.0", "1234567890123456.0", "12345678901234567.0",
                "9999999999999999.0", "0.00009999", "1e-5", "1.0e-4", "5e-5"]
    toks = list(specials)
    while len(toks) < 3000:
        (f,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if f != f or f in (float("inf"), float("-inf")):
            continue
        toks.append(rng.choice([repr(f), "%.17e" % f, "%.25e" % f, "%.3e" % f]).replace("inf", "1e999"))
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 20)))
        toks.append(f"{rng.choice(['', '-'])}{int(digits)}.{rng.randint(0, 999)}e{rng.randint(-30, 30)}")
        toks.append(f"{rng.randint(1, 9)}.{rng.randint(0, 99)}e{rng.choice([-5, -4, -3, 14, 15, 16, 17])}")
    for t in toks:
        floats.append([t, json.dumps(json.loads(t))])

    json.dump({"generator": "make_vectors.py", "python": sys.version.split()[0], "vectors": vs, "invalid": bad,
               "floats": floats}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
