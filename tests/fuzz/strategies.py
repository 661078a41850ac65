"""Hypothesis strategies for hostile form data.

A payload is built from what the form page shows (its fields, their choices and
pre-filled values): each field is kept, left out, replaced by a hostile or random
value, by one of its choices, or sent several times; extra unknown fields are added.
Starting from the pre-filled values lets many examples get past the first checks
and reach the deeper validation and the writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

MISSING = object()

# Strings that broke (or were meant to break) web forms somewhere.
HOSTILE = [
    "",
    " ",
    "\r\n\t",
    "' OR '1'='1",
    "'; DROP TABLE accounts_user; --",
    '" OR ""="',
    "1; SELECT pg_sleep(0)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.user.password }}",
    "{% debug %}",
    "{{7*7}} ${7*7} #{7*7}",
    "%s%s%s%n",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: sent as its UTF-8-ish bytes, never valid UTF-8
    "x\udfffy",
    "\u202egnp.exe",
    "\u200f\u200e\u202a\u202c",
    "\ufeff",
    "😀👍🏽🇸🇪",
    "Åäö ÆØ ß İ ǅ",
    "x" * 100_000,
    "å" * 30_000,
    "-1",
    "0",
    "-0",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "1.5",
    "1,5",
    "1 000",
    "0x1F",
    "99999999999999999999999999999999",
    "-9223372036854775809",
    "9223372036854775808",
    "2147483648",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "2026-13-01T25:61",
    "2026-03-29T02:30",  # does not exist in Europe/Stockholm (clocks go forward)
    "2026-10-25T02:30",  # happens twice in Europe/Stockholm
    "24:00",
    "12:99",
    "../../../../etc/passwd",
    "C:\\Windows\\win.ini",
    "${jndi:ldap://127.0.0.1/a}",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "[1, 2]",
    '{"a": 1}',
    "a@b",
    "@example.se",
    "a" * 65 + "@" + "b" * 250 + ".se",
    "http://127.0.0.1:1/",
    "0114",
    "SE222000031501",
    "5050-1055",
    "1" * 20,
]

TYPED = {
    "number": st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(str),
    ),
    "date": st.one_of(
        st.dates().map(str),
        st.builds("{}-{:02d}-{:02d}".format, st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)),
    ),
    "datetime-local": st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    "time": st.times().map(lambda t: t.strftime("%H:%M")),
    "email": st.emails(),
}


@dataclass
class Field:
    name: str
    kind: str = "text"  # input type, "select", "textarea", "file"
    choices: list[str] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)
    multiple: bool = False


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
        st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(max_size=10)),
    )


def _upload() -> st.SearchStrategy:
    names = st.one_of(
        st.sampled_from(
            ["data.csv", "bgmax.txt", "a.pdf", "../../etc/passwd", "x" * 300 + ".csv", "", "😀.docx", "a\x00.csv"]
        ),
        st.text(max_size=30),
    )
    contents = st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [
                b"",
                b"\xff\xfe\x00\x00",
                b"kod;namn\n0114;Upplands V\xc3\xa4sby\n",
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
                b"01BGMAX               0120040525173035010331P\n",
                b"a,b,c\n" * 5000,
            ]
        ),
    )
    return st.builds(lambda name, body: ("file", name, body), names, contents)


def field_value(f: Field) -> st.SearchStrategy:
    """The page's own value comes first: Hypothesis shrinks towards it, so its simplest payload is the form
    as shown (which often passes and reaches the write), and a failure shrinks to the fields that matter."""
    options = [st.just(MISSING)] if f.kind == "checkbox" and not f.defaults else []  # unticked, as shown
    if f.defaults:
        options += [st.just(f.defaults if f.multiple else f.defaults[0])] * 3
    if f.choices:
        options += [st.sampled_from(f.choices)] * 3
        options.append(st.lists(st.sampled_from(f.choices), max_size=5))
    options += [st.just(MISSING), hostile_text()]
    if f.kind in TYPED:
        options += [TYPED[f.kind]] * 2
    if f.kind == "file":
        options += [_upload()] * 3
    options.append(st.lists(hostile_text(), min_size=2, max_size=4))  # a list where one value is expected
    return st.one_of(options)


def payloads(fields: list[Field]) -> st.SearchStrategy[dict]:
    """A POST payload: {name: str | list[str] | ("file", name, bytes)}; MISSING fields are left out."""
    extra = st.dictionaries(
        st.one_of(
            st.sampled_from(["id", "pk", "organizer", "status", "is_superuser", "network", "action", "next"]),
            st.text(max_size=20),
        ),
        st.one_of(hostile_text(), st.lists(hostile_text(), max_size=3)),
        max_size=3,
    )
    fixed = st.fixed_dictionaries({f.name: field_value(f) for f in fields})

    def combine(values, extras):
        data = {name: value for name, value in values.items() if value is not MISSING}
        for name, value in extras.items():
            data.setdefault(name, value)
        return data

    return st.builds(combine, fixed, extra)


def as_upload(value) -> SimpleUploadedFile:
    _tag, name, body = value
    return SimpleUploadedFile(name.replace("\x00", "") or "x", body)
