#!/usr/bin/env python3
"""Generate the corpus of bad MXGP wire inputs used by BadInputCorpusTests.

Usage:  python3 Scripts/gen-codec-corpus.py   (from the package root)

Writes one binary file per case to Tests/MXGPCoreTests/Corpus/<name>.bin and
Tests/MXGPCoreTests/Corpus/manifest.json, which maps each file to what the
decoder must do with it:

  * a `MXGPWireError.Kind` raw value (badMarker, badLength, messageTooLarge,
    unknownMessageType, malformedOpen, unsupportedVersion, malformedUpdate,
    badDomain, malformedNotification, malformedReport): decoding throws that
    error;
  * "treatAsWithdraw": decoding returns an UPDATE whose announcements became
    withdrawals because a path attribute is malformed (RFC 7606 style);
  * "incomplete": the bytes stop inside a message whose header announces more;
    `decode` asks for more data, and at end of stream `decodeLast` throws
    badLength.

Files may hold valid messages before the bad one (the decoder must return
those first); the manifest's "valid_before" says how many.

Wire format (see Sources/MXGPCore/Wire): header = marker 0x4D58, u32 length
(whole message including the 7-byte header), u8 type. Everything big endian.
The generator is deterministic; rerun it after changing a case and commit the
result. Stdlib only.
"""

import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "MXGPCoreTests", "Corpus")

OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE_REFRESH, END_OF_RIB, REPORT = 1, 2, 3, 4, 5, 6, 7
MAX_MESSAGE = 1 << 20  # MXGPFraming.defaultMaximumMessageSize

WELL_KNOWN_TRANSITIVE = 0x40
OPTIONAL_TRANSITIVE = 0xC0
OPTIONAL = 0x80
A_PATH, A_NEXT_HOP, A_PRICE, A_OTC, A_COMMUNITIES, A_REGION_POLICY, A_ORIGIN_PROOF = 1, 2, 3, 4, 5, 6, 7
A_DRAINING = 8
A_CHARGEBACK = 9


def u8(v): return struct.pack(">B", v)
def u16(v): return struct.pack(">H", v)
def u32(v): return struct.pack(">I", v)


def frame(mtype, body, length=None, marker=0x4D58):
    """A whole message; `length` overrides the header's length field (a lie)."""
    return u16(marker) + u32(7 + len(body) if length is None else length) + u8(mtype) + body


# --- OPEN -------------------------------------------------------------------

def cap(code, value, length=None):
    return u8(code) + u8(len(value) if length is None else length) + value


GOOD_CAPS = cap(1, b"") + cap(2, u16(200)) + cap(3, u32(65536)) + cap(99, b"xyz")


def open_fields(version=1, op=65001, hold=90, role=4, node_role=1, region=b"US", name=b"node-a",
                name_len=None, caps=GOOD_CAPS, caps_len=None, trailer=b""):
    """OPEN body as a list of (field name, bytes), so truncations can cut at field boundaries."""
    return [
        ("version", u8(version)),
        ("operator", u32(op)),
        ("hold time", u16(hold)),
        ("role", u8(role)),
        ("node role", u8(node_role)),
        ("region", region),
        ("name length", u8(len(name) if name_len is None else name_len)),
        ("name", name),
        ("capabilities length", u16(len(caps) if caps_len is None else caps_len)),
        ("capabilities", caps),
        ("trailer", trailer),
    ]


def open_body(**kw): return b"".join(v for _, v in open_fields(**kw))


# --- UPDATE -----------------------------------------------------------------

def dom(name, length=None):
    return u8(len(name) if length is None else length) + name


def attr(flags, atype, value, length=None):
    return u8(flags) + u8(atype) + u16(len(value) if length is None else length) + value


PATH = attr(WELL_KNOWN_TRANSITIVE, A_PATH, u32(65002) + u32(65001))
NEXT_HOP = attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay.example:25")
PRICE = attr(0, A_PRICE, u32(7))
GOOD_ATTRS = PATH + NEXT_HOP + PRICE


def update_fields(withdrawn=dom(b"old.example"), attrs=GOOD_ATTRS, announced=dom(b"example.com") + dom(b"mail.example"),
                  withdrawn_len=None, attrs_len=None):
    return [
        ("withdrawn length", u32(len(withdrawn) if withdrawn_len is None else withdrawn_len)),
        ("withdrawn domains", withdrawn),
        ("attributes length", u32(len(attrs) if attrs_len is None else attrs_len)),
        ("attributes", attrs),
        ("announced domains", announced),
    ]


def update_body(**kw): return b"".join(v for _, v in update_fields(**kw))


def with_attrs(*attrs):
    """An UPDATE announcing example.com with exactly these attributes."""
    return frame(UPDATE, update_body(attrs=b"".join(attrs)))


# --- NOTIFICATION and REPORT --------------------------------------------------

def notification_fields(code=6, subcode=2, text=b"administrative shutdown", text_len=None, trailer=b""):
    return [
        ("code", u8(code)),
        ("subcode", u8(subcode)),
        ("text length", u16(len(text) if text_len is None else text_len)),
        ("text", text),
        ("trailer", trailer),
    ]


def report_fields(msgid=b"abc123@mail.example", id_len=None, reporter=65009, path=(65001, 65002, 65009),
                  count=None, reason=b"spam", reason_len=None, trailer=b""):
    return [
        ("message-id length", u16(len(msgid) if id_len is None else id_len)),
        ("message-id", msgid),
        ("reporter", u32(reporter)),
        ("path count", u8(len(path) if count is None else count)),
        ("path", b"".join(u32(p) for p in path)),
        ("reason length", u16(len(reason) if reason_len is None else reason_len)),
        ("reason", reason),
        ("trailer", trailer),
    ]


def body_of(fields): return b"".join(v for _, v in fields)


CASES = []


def case(name, expect, data, doc, valid_before=0):
    assert all(c["file"] != name + ".bin" for c in CASES), name
    CASES.append({"file": name + ".bin", "expect": expect, "valid_before": valid_before, "description": doc, "data": data})


def cut_points(fields):
    """Offsets inside a body at every field boundary and in the middle of multi-byte fields."""
    points, offset = set(), 0
    for _, value in fields:
        if len(value) == 0:
            continue
        points.add(offset)
        if len(value) > 1:
            points.add(offset + len(value) // 2)
        offset += len(value)
    return sorted(p for p in points if p < offset), offset


def field_at(fields, point):
    offset = 0
    for fname, value in fields:
        if point < offset + len(value):
            return fname, point - offset
        offset += len(value)
    return "end", 0


def truncations(tag, mtype, fields, expect_for):
    """Two families for each cut point: the header length follows the cut (the body's own
    fields lie: typed error), and the header length is kept (the stream stops: incomplete)."""
    points, _ = cut_points(fields)
    body = body_of(fields)
    for p in points:
        fname, inner = field_at(fields, p)
        where = f"{fname}" if inner == 0 else f"{inner} bytes into {fname}"
        expect = expect_for(p)
        if expect is not None:
            case(f"truncated-{tag}-body-at-{p:03d}", expect, frame(mtype, body[:p]),
                 f"{tag.upper()} body cut at byte {p} (before {where}); header length matches the cut")
        case(f"truncated-{tag}-stream-at-{p:03d}", "incomplete", frame(mtype, body)[:7 + p],
             f"{tag.upper()} stream stops at body byte {p} (before {where}); header announces the full length")


def build():
    # --- header -------------------------------------------------------------
    keepalive = frame(KEEPALIVE, b"")
    case("header-bad-marker-ascii", "badMarker", frame(KEEPALIVE, b"", marker=0x5858), "marker 'XX' instead of 'MX'")
    case("header-bad-marker-bgp", "badMarker", b"\xff" * 16 + u16(19) + u8(4), "a BGP KEEPALIVE (16 x 0xFF marker)")
    case("header-bad-marker-swapped", "badMarker", frame(KEEPALIVE, b"", marker=0x584D), "marker bytes swapped ('XM')")
    case("header-bad-marker-after-valid", "badMarker", keepalive + frame(KEEPALIVE, b"", marker=0),
         "a valid KEEPALIVE, then a zero marker", valid_before=1)
    case("header-bad-marker-http", "badMarker", b"GET / HTTP/1.1\r\n\r\n", "an HTTP request")
    case("header-bad-marker-smtp", "badMarker", b"EHLO relay.example\r\n", "an SMTP greeting")
    for n in range(1, 7):
        case(f"header-stream-at-{n}", "incomplete", keepalive[:n], f"only {n} of the 7 header bytes")
    for length in (0, 1, 6):
        case(f"header-length-{length}", "badLength", frame(KEEPALIVE, b"", length=length),
             f"message length {length} is shorter than the 7-byte header")
    case("header-length-too-large-by-one", "messageTooLarge", frame(UPDATE, b"", length=MAX_MESSAGE + 1),
         "header announces 1 MiB + 1 bytes; no body follows: must throw on the header alone")
    case("header-length-max-u32", "messageTooLarge", frame(OPEN, b"", length=0xFFFFFFFF),
         "header announces 4 GiB - 1 bytes; no body follows")
    case("header-length-2gib", "messageTooLarge", frame(REPORT, b"", length=0x80000000),
         "header announces 2 GiB; no body follows")
    case("header-length-too-large-after-valid", "messageTooLarge", keepalive + frame(KEEPALIVE, b"", length=MAX_MESSAGE * 16),
         "a valid KEEPALIVE, then a header announcing 16 MiB", valid_before=1)
    case("header-length-longer-than-data", "incomplete", frame(KEEPALIVE, b"", length=8),
         "KEEPALIVE header says 8 bytes, only 7 present")
    case("header-length-lies-long-open", "incomplete", frame(OPEN, open_body(), length=7 + len(open_body()) + 10),
         "OPEN header says 10 more bytes than present")
    for t in (0, 8, 9, 0x7F, 0xFF):
        case(f"header-unknown-type-{t}", "unknownMessageType", frame(t, b""), f"message type {t} is not defined")
    case("header-unknown-type-with-body", "unknownMessageType", frame(42, b"\x00" * 32), "message type 42 with a body")

    # --- empty-body messages with a body --------------------------------------
    case("keepalive-with-body", "badLength", frame(KEEPALIVE, b"\x00"), "KEEPALIVE carrying one byte")
    case("keepalive-with-long-body", "badLength", frame(KEEPALIVE, b"\x00" * 100), "KEEPALIVE carrying 100 bytes")
    case("route-refresh-with-body", "badLength", frame(ROUTE_REFRESH, b"\x01\x02"), "ROUTE-REFRESH carrying two bytes")
    case("end-of-rib-with-body", "badLength", frame(END_OF_RIB, b"\x00\x00\x00\x00"), "END-OF-RIB carrying four bytes")

    # --- OPEN -------------------------------------------------------------------
    def open_expect(p): return "malformedOpen"
    truncations("open", OPEN, open_fields(), open_expect)
    for v in (0, 2, 255):
        case(f"open-version-{v}", "unsupportedVersion", frame(OPEN, open_body(version=v)), f"OPEN version {v}")
    for r in (1, 2, 5, 255):
        case(f"open-role-{r}", "malformedOpen", frame(OPEN, open_body(role=r)), f"role code {r} (RFC 9234 route-server roles and unknown codes are refused)")
    for r in (0, 4, 255):
        case(f"open-node-role-{r}", "malformedOpen", frame(OPEN, open_body(node_role=r)), f"node role code {r}")
    for h in (1, 2):
        case(f"open-hold-time-{h}", "malformedOpen", frame(OPEN, open_body(hold=h)), f"hold time {h} s (must be 0 or >= 3)")
    for tag, region in (("lower", b"us"), ("digit", b"U1"), ("space", b"U "), ("nul", b"\x00\x00"), ("non-ascii", "ß".encode()),
                        ("latin1", b"\xc4\xd6")):
        case(f"open-region-{tag}", "malformedOpen", frame(OPEN, open_body(region=region)), f"region {region!r}")
    case("open-name-empty", "malformedOpen", frame(OPEN, open_body(name=b"")), "node name of length 0")
    case("open-name-64", "malformedOpen", frame(OPEN, open_body(name=b"n" * 64)), "node name of 64 bytes (max 63)")
    case("open-name-255", "malformedOpen", frame(OPEN, open_body(name=b"n" * 255)), "node name of 255 bytes")
    case("open-name-length-lies-long", "malformedOpen", frame(OPEN, open_body(name_len=200, caps=b"")),
         "name length 200, the rest of the message is shorter")
    case("open-name-length-lies-short", "malformedOpen", frame(OPEN, open_body(name_len=3)),
         "name length 3 of 6: the rest of the name is read as the capabilities length (lies)")
    case("open-caps-length-lies-long", "malformedOpen", frame(OPEN, open_body(caps_len=len(GOOD_CAPS) + 1)),
         "capabilities length one more than present")
    case("open-caps-length-lies-short", "malformedOpen", frame(OPEN, open_body(caps_len=len(GOOD_CAPS) - 1)),
         "capabilities length one less than present: trailing byte")
    case("open-caps-length-max", "malformedOpen", frame(OPEN, open_body(caps_len=0xFFFF)), "capabilities length 65535")
    case("open-trailing-byte", "malformedOpen", frame(OPEN, open_body(trailer=b"\x00")), "one byte after the capabilities")
    bad_caps = {
        "route-refresh-len-1": (cap(1, b"\x00"), "ROUTE-REFRESH capability with 1 value byte"),
        "fast-liveness-len-1": (cap(2, b"\x01"), "fast-liveness capability with 1 byte"),
        "fast-liveness-len-3": (cap(2, b"\x00\xc8\x00"), "fast-liveness capability with 3 bytes"),
        "fast-liveness-9ms": (cap(2, u16(9)), "fast-liveness interval 9 ms (min 10)"),
        "fast-liveness-0ms": (cap(2, u16(0)), "fast-liveness interval 0 ms"),
        "max-size-len-2": (cap(3, u16(4096)), "maximum-message-size capability with 2 bytes"),
        "max-size-len-8": (cap(3, u32(0) + u32(65536)), "maximum-message-size capability with 8 bytes"),
        "max-size-4095": (cap(3, u32(4095)), "maximum message size 4095 (min 4096)"),
        "len-lies-long": (cap(1, b"", length=5), "capability length 5, nothing follows"),
        "unknown-len-lies-long": (cap(99, b"ab", length=3), "unknown capability length 3, 2 bytes follow"),
        "header-truncated": (b"\x01", "capability block ends after the code byte"),
    }
    for tag, (caps, doc) in bad_caps.items():
        case(f"open-cap-{tag}", "malformedOpen", frame(OPEN, open_body(caps=GOOD_CAPS + caps)), doc)

    # --- UPDATE: truncations and lying block lengths -----------------------------
    fields = update_fields()
    ann_start = sum(len(v) for _, v in fields[:4])
    announced = fields[4][1]
    domain_bounds = {ann_start, ann_start + 1 + len(b"example.com")}

    def update_expect(p):
        if p < ann_start:
            return "malformedUpdate"  # a block length points past the body, or the attributes length is missing
        if p in domain_bounds:
            return None  # a cut between two announced domains leaves a valid, shorter UPDATE
        return "malformedUpdate"  # a domain length points past the end
    truncations("update", UPDATE, fields, update_expect)
    case("update-withdrawn-length-lies-long", "malformedUpdate", frame(UPDATE, update_body(withdrawn_len=1000)),
         "withdrawn length 1000, body far shorter")
    case("update-withdrawn-length-max", "malformedUpdate", frame(UPDATE, update_body(withdrawn_len=0xFFFFFFFF)),
         "withdrawn length 2^32-1")
    case("update-withdrawn-length-lies-short", "malformedUpdate", frame(UPDATE, update_body(withdrawn_len=5)),
         "withdrawn length 5 cuts the domain 'old.example' (len 11) inside the withdrawn block")
    case("update-attributes-length-lies-long", "malformedUpdate",
         frame(UPDATE, update_body(attrs_len=len(GOOD_ATTRS) + 1000)), "attributes length 1000 past the end")
    case("update-attributes-length-max", "malformedUpdate", frame(UPDATE, update_body(attrs_len=0xFFFFFFFF)),
         "attributes length 2^32-1")
    case("update-attributes-length-lies-short", "badDomain", frame(UPDATE, update_body(attrs_len=len(GOOD_ATTRS) - 4)),
         "attributes length 4 short: PRICE's value (00 00 00 07) is read as announced domains; the first has length 0")
    case("update-attributes-length-lies-short-by-one", "badDomain",
         frame(UPDATE, update_body(attrs_len=len(GOOD_ATTRS) - 1)),
         "attributes length 1 short: PRICE's last byte 0x07 is read as an announced domain length; those 7 bytes"
         " start with 0x0B (the next length byte), not a domain character")
    body = update_body()
    case("truncated-update-body-mid-domain", "malformedUpdate", frame(UPDATE, body[:ann_start + 5]),
         "UPDATE cut 5 bytes into the first announced domain; header length matches the cut")
    case("truncated-update-body-mid-second-domain", "malformedUpdate", frame(UPDATE, body[:-1]),
         "UPDATE cut one byte before the end of the last announced domain; header length matches the cut")
    case("update-empty-body", "malformedUpdate", frame(UPDATE, b""), "UPDATE with no body")
    case("update-domain-length-lies-long", "malformedUpdate",
         frame(UPDATE, update_body(announced=dom(b"example.com", length=40))), "announced domain length 40, 11 bytes follow")
    case("update-domain-length-lies-short", "malformedUpdate",
         frame(UPDATE, update_body(announced=dom(b"example.com", length=7))),
         "announced domain length 7: 'example' is fine, then '.' (46) is read as a length past the end")
    case("update-withdrawn-domain-length-lies-long", "malformedUpdate",
         frame(UPDATE, update_body(withdrawn=dom(b"old.example", length=12))), "withdrawn domain length 12, 11 bytes in the block")

    # --- UPDATE: bad domain names --------------------------------------------------
    bad_domains = {
        "upper-case": (b"Example.com", "upper case letter"),
        "all-upper": (b"EXAMPLE", "upper case label"),
        "empty-label": (b"a..example", "empty label in the middle"),
        "leading-dot": (b".example", "empty first label"),
        "trailing-dot": (b"example.", "trailing dot (the wire form has none)"),
        "double-root": (b"..", "two dots"),
        "leading-hyphen": (b"-a.example", "label starts with '-'"),
        "trailing-hyphen": (b"a-.example", "label ends with '-'"),
        "final-hyphen": (b"example-", "name ends with '-'"),
        "only-hyphen": (b"-", "label is '-'"),
        "non-ascii-utf8": ("exämple.com".encode(), "UTF-8 non-ASCII letter"),
        "idn-unicode": ("例え.jp".encode(), "unencoded IDN"),
        "latin1-byte": (b"ex\xe4mple.com", "a Latin-1 byte (not UTF-8)"),
        "byte-ff": (b"\xff", "byte 0xFF"),
        "space": (b"exa mple.com", "space"),
        "nul": (b"example\x00.com", "NUL byte"),
        "at-sign": (b"user@example.com", "an address, not a domain"),
        "slash": (b"example.com/x", "slash"),
        "label-64": (b"a" * 64 + b".example", "label of 64 characters (max 63)"),
        "name-254": (b".".join([b"a" * 63] * 3 + [b"b" * 62]), "254-byte name (max 253)"),
        "name-255": (b".".join([b"a" * 63] * 4), "255-byte name"),
    }
    for tag, (name, doc) in bad_domains.items():
        case(f"domain-announced-{tag}", "badDomain", frame(UPDATE, update_body(announced=dom(name))), f"announced domain: {doc}")
        case(f"domain-withdrawn-{tag}", "badDomain", frame(UPDATE, update_body(withdrawn=dom(name))), f"withdrawn domain: {doc}")
    case("domain-announced-zero-length", "badDomain", frame(UPDATE, update_body(announced=dom(b"example.com") + b"\x00")),
         "announced domain entry of length 0")
    case("domain-withdrawn-zero-length", "badDomain", frame(UPDATE, update_body(withdrawn=b"\x00")), "withdrawn domain entry of length 0")
    case("domain-withdrawn-only-bad", "badDomain", frame(UPDATE, update_body(withdrawn=dom(b"Bad"), attrs=b"", announced=b"")),
         "withdraw-only UPDATE with an upper-case domain")

    # --- UPDATE: malformed attributes (treat as withdraw) ---------------------------
    W = "treatAsWithdraw"
    bad_attrs = {
        # PRICE
        "price-len-0": ([PATH, NEXT_HOP, attr(0, A_PRICE, b"")], "PRICE of length 0"),
        "price-len-3": ([PATH, NEXT_HOP, attr(0, A_PRICE, b"\x00\x00\x07")], "PRICE of length 3"),
        "price-len-5": ([PATH, NEXT_HOP, attr(0, A_PRICE, b"\x00\x00\x00\x00\x07")], "PRICE of length 5"),
        "price-len-8": ([PATH, NEXT_HOP, attr(0, A_PRICE, u32(0) + u32(7))], "PRICE of length 8"),
        "otc-len-2": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_OTC, u16(1))], "OTC of length 2"),
        "otc-len-0": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_OTC, b"")], "OTC of length 0"),
        # DRAINING: length MUST be 0
        "draining-len-1": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_DRAINING, b"\x01")], "DRAINING of length 1 (must be 0)"),
        "draining-len-4": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_DRAINING, u32(1))], "DRAINING of length 4 (must be 0)"),
        "draining-len-lies-long": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_DRAINING, b"", length=3)],
                                   "DRAINING length 3 with no bytes left in the block"),
        "duplicate-draining": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_DRAINING, b""), attr(OPTIONAL_TRANSITIVE, A_DRAINING, b"")],
                               "DRAINING twice"),
        # CHARGEBACK: length MUST be 4
        "chargeback-len-0": ([PATH, NEXT_HOP, attr(OPTIONAL, A_CHARGEBACK, b"")], "CHARGEBACK of length 0"),
        "chargeback-len-3": ([PATH, NEXT_HOP, attr(OPTIONAL, A_CHARGEBACK, b"\x00\x00\x32")], "CHARGEBACK of length 3"),
        "chargeback-len-8": ([PATH, NEXT_HOP, attr(OPTIONAL, A_CHARGEBACK, u32(0) + u32(50))], "CHARGEBACK of length 8"),
        "duplicate-chargeback": ([PATH, NEXT_HOP, attr(OPTIONAL, A_CHARGEBACK, u32(50)), attr(OPTIONAL, A_CHARGEBACK, u32(50))],
                                 "CHARGEBACK twice"),
        # OPERATOR_PATH
        "path-len-3": ([attr(WELL_KNOWN_TRANSITIVE, A_PATH, b"\x00\x00\x01"), NEXT_HOP], "OPERATOR_PATH of 3 bytes"),
        "path-len-6": ([attr(WELL_KNOWN_TRANSITIVE, A_PATH, u32(1) + u16(2)), NEXT_HOP], "OPERATOR_PATH of 6 bytes"),
        "path-len-1": ([attr(WELL_KNOWN_TRANSITIVE, A_PATH, b"\x01"), NEXT_HOP], "OPERATOR_PATH of 1 byte"),
        "path-empty": ([attr(WELL_KNOWN_TRANSITIVE, A_PATH, b""), NEXT_HOP], "OPERATOR_PATH of 0 operators"),
        "path-256-operators": ([attr(WELL_KNOWN_TRANSITIVE, A_PATH, b"".join(u32(i + 1) for i in range(256))), NEXT_HOP],
                               "OPERATOR_PATH of 256 operators (max 255)"),
        # NEXT_HOP
        "next-hop-empty": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"")], "NEXT_HOP of length 0"),
        "next-hop-no-port": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay.example")], "NEXT_HOP without ':port'"),
        "next-hop-port-0": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay.example:0")], "NEXT_HOP port 0"),
        "next-hop-port-65536": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay.example:65536")], "NEXT_HOP port 65536"),
        "next-hop-port-text": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay.example:smtp")], "NEXT_HOP port 'smtp'"),
        "next-hop-port-empty": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay.example:")], "NEXT_HOP ending in ':'"),
        "next-hop-no-host": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b":25")], "NEXT_HOP ':25' (no host)"),
        "next-hop-space": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay example:25")], "NEXT_HOP with a space"),
        "next-hop-crlf": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay\r\nexample:25")], "NEXT_HOP with CR LF"),
        "next-hop-nul": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay\x00:25")], "NEXT_HOP with NUL"),
        "next-hop-not-utf8": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"rel\xffay:25")], "NEXT_HOP with byte 0xFF"),
        "next-hop-non-ascii": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, "rélay:25".encode())], "NEXT_HOP with a non-ASCII letter"),
        "next-hop-256-bytes": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"r" * 253 + b":25")], "NEXT_HOP of 256 bytes (max 255)"),
        "next-hop-port-sign": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay:+25")], "NEXT_HOP port '+25'"),
        # REGION_POLICY
        "region-policy-odd": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_REGION_POLICY, b"USD")], "REGION_POLICY of 3 bytes"),
        "region-policy-lower": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_REGION_POLICY, b"USde")], "REGION_POLICY 'de' in lower case"),
        "region-policy-digit": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_REGION_POLICY, b"U1")], "REGION_POLICY 'U1'"),
        "region-policy-non-ascii": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_REGION_POLICY, "ß".encode())], "REGION_POLICY 'ß' (upper-cases to SS)"),
        "region-policy-nul": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_REGION_POLICY, b"\x00\x00")], "REGION_POLICY of NUL bytes"),
        # COMMUNITIES
        "communities-len-11": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_COMMUNITIES, b"\x00" * 11)], "COMMUNITIES of 11 bytes"),
        "communities-len-13": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_COMMUNITIES, b"\x00" * 13)], "COMMUNITIES of 13 bytes"),
        # ORIGIN_PROOF: region(2) serial(4) sig-len(1) sig
        "origin-proof-sig-32": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_ORIGIN_PROOF, b"US" + u32(1) + u8(32) + b"\x01" * 32)],
                                "ORIGIN_PROOF signature of 32 bytes (must be 0 or 64)"),
        "origin-proof-sig-65": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_ORIGIN_PROOF, b"US" + u32(1) + u8(65) + b"\x01" * 65)],
                                "ORIGIN_PROOF signature of 65 bytes"),
        "origin-proof-sig-short": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_ORIGIN_PROOF, b"US" + u32(1) + u8(64) + b"\x01" * 63)],
                                   "ORIGIN_PROOF signature length 64, 63 bytes present"),
        "origin-proof-trailing": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_ORIGIN_PROOF, b"US" + u32(1) + u8(0) + b"\x00")],
                                  "ORIGIN_PROOF with a byte after an empty signature"),
        "origin-proof-lower-region": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_ORIGIN_PROOF, b"us" + u32(1) + u8(0))],
                                      "ORIGIN_PROOF region 'us'"),
        "origin-proof-no-serial": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_ORIGIN_PROOF, b"US" + u16(1))],
                                   "ORIGIN_PROOF cut inside the serial"),
        "origin-proof-empty": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_ORIGIN_PROOF, b"")], "ORIGIN_PROOF of length 0"),
        "origin-proof-no-sig-length": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, A_ORIGIN_PROOF, b"US" + u32(1))],
                                       "ORIGIN_PROOF without the signature-length byte"),
        # lying attribute lengths inside the block
        "attr-length-lies-long": ([PATH, NEXT_HOP, attr(0, A_PRICE, u32(7), length=100)], "PRICE length 100, 4 bytes left in the block"),
        "attr-length-lies-short": ([PATH, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"relay.example:25", length=15)],
                                   "NEXT_HOP length 15 of 16: the last byte '5' starts a truncated attribute header"),
        "attr-header-truncated": ([PATH, NEXT_HOP, b"\x00\x03\x00"], "block ends 3 bytes into an attribute header"),
        "attr-header-one-byte": ([PATH, NEXT_HOP, b"\x40"], "block ends 1 byte into an attribute header"),
        # duplicates
        "duplicate-price": ([PATH, NEXT_HOP, PRICE, PRICE], "PRICE twice"),
        "duplicate-path": ([PATH, NEXT_HOP, PATH], "OPERATOR_PATH twice"),
        "duplicate-next-hop": ([PATH, NEXT_HOP, attr(WELL_KNOWN_TRANSITIVE, A_NEXT_HOP, b"other.example:25")], "NEXT_HOP twice, different values"),
        "duplicate-unknown-optional": ([PATH, NEXT_HOP, attr(OPTIONAL_TRANSITIVE, 200, b"a"), attr(OPTIONAL_TRANSITIVE, 200, b"b")],
                                       "an unknown optional attribute twice"),
        "duplicate-unknown-optional-nontransitive": ([PATH, NEXT_HOP, attr(OPTIONAL, 201, b""), attr(OPTIONAL, 201, b"")],
                                                     "an unknown optional non-transitive attribute twice (dropped, but still counted)"),
        # missing mandatory
        "missing-path": ([NEXT_HOP, PRICE], "no OPERATOR_PATH"),
        "missing-next-hop": ([PATH, PRICE], "no NEXT_HOP"),
        "missing-all": ([], "empty attribute block with announced domains"),
        "only-unknown-optional": ([attr(OPTIONAL_TRANSITIVE, 200, b"x")], "only an unknown optional attribute"),
        # unknown well-known
        "unknown-well-known-transitive": ([PATH, NEXT_HOP, attr(WELL_KNOWN_TRANSITIVE, 99, b"x")], "unknown well-known attribute 99 (flags 0x40)"),
        "unknown-well-known-zero-flags": ([PATH, NEXT_HOP, attr(0, 200, b"")], "unknown well-known attribute 200 (flags 0x00)"),
        "unknown-type-0": ([PATH, NEXT_HOP, attr(WELL_KNOWN_TRANSITIVE, 0, b"")], "attribute type 0 (well-known flags)"),
    }
    for tag, (attrs, doc) in bad_attrs.items():
        case(f"attr-{tag}", W, with_attrs(*attrs), doc)
    case("attr-bad-after-valid-update", W, frame(UPDATE, update_body()) + with_attrs(PATH, NEXT_HOP, attr(0, A_PRICE, b"")),
         "a valid UPDATE, then one with a bad PRICE", valid_before=1)

    # --- NOTIFICATION ---------------------------------------------------------------
    truncations("notification", NOTIFICATION, notification_fields(), lambda p: "malformedNotification")
    case("notification-text-length-lies-long", "malformedNotification", frame(NOTIFICATION, body_of(notification_fields(text_len=100))),
         "text length 100, 23 bytes present")
    case("notification-text-length-lies-short", "malformedNotification", frame(NOTIFICATION, body_of(notification_fields(text_len=5))),
         "text length 5 of 23: trailing bytes")
    case("notification-text-1025", "malformedNotification", frame(NOTIFICATION, body_of(notification_fields(text=b"x" * 1025))),
         "text of 1025 bytes (max 1024)")
    case("notification-text-length-max", "malformedNotification", frame(NOTIFICATION, body_of(notification_fields(text_len=0xFFFF))),
         "text length 65535")
    case("notification-trailing-byte", "malformedNotification", frame(NOTIFICATION, body_of(notification_fields(trailer=b"\x00"))),
         "a byte after the text")
    for c in (0, 9, 255):
        case(f"notification-code-{c}", "malformedNotification", frame(NOTIFICATION, body_of(notification_fields(code=c))),
             f"NOTIFICATION code {c} is not defined")

    # --- REPORT ------------------------------------------------------------------------
    truncations("report", REPORT, report_fields(), lambda p: "malformedReport")
    case("report-id-empty", "malformedReport", frame(REPORT, body_of(report_fields(msgid=b""))), "Message-ID of length 0")
    case("report-id-999", "malformedReport", frame(REPORT, body_of(report_fields(msgid=b"i" * 999))), "Message-ID of 999 bytes (max 998)")
    case("report-id-length-lies-long", "malformedReport", frame(REPORT, body_of(report_fields(id_len=500))), "Message-ID length 500, body shorter")
    case("report-id-length-lies-short", "malformedReport", frame(REPORT, body_of(report_fields(id_len=3))),
         "Message-ID length 3 of 19: the rest is read as reporter, path and reason, which do not fit")
    case("report-path-count-lies-long", "malformedReport", frame(REPORT, body_of(report_fields(count=4))), "path count 4, 3 operators present")
    case("report-path-count-255", "malformedReport", frame(REPORT, body_of(report_fields(count=255))), "path count 255, 3 operators present")
    case("report-path-count-lies-short", "malformedReport", frame(REPORT, body_of(report_fields(count=2))),
         "path count 2 of 3: the third operator is read as reason length and reason")
    case("report-reason-length-lies-long", "malformedReport", frame(REPORT, body_of(report_fields(reason_len=50))), "reason length 50, 4 bytes present")
    case("report-reason-length-lies-short", "malformedReport", frame(REPORT, body_of(report_fields(reason_len=1))), "reason length 1 of 4: trailing bytes")
    case("report-reason-1025", "malformedReport", frame(REPORT, body_of(report_fields(reason=b"r" * 1025))), "reason of 1025 bytes (max 1024)")
    case("report-trailing-byte", "malformedReport", frame(REPORT, body_of(report_fields(trailer=b"\x00"))), "a byte after the reason")


def main():
    build()
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith(".bin"):
            os.remove(os.path.join(OUT, old))
    for c in CASES:
        with open(os.path.join(OUT, c["file"]), "wb") as f:
            f.write(c["data"])
    manifest = {
        "generator": "Scripts/gen-codec-corpus.py",
        "cases": [{k: c[k] for k in ("file", "expect", "valid_before", "description")} for c in CASES],
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    kinds = {}
    for c in CASES:
        kinds[c["expect"]] = kinds.get(c["expect"], 0) + 1
    print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT, ROOT)}", file=sys.stderr)
    for k in sorted(kinds):
        print(f"  {k}: {kinds[k]}", file=sys.stderr)


if __name__ == "__main__":
    main()
