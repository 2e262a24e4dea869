"""The Simplified Chinese catalogue is complete, consistent with its placeholders, and compiled.

The catalogue is parsed here by a small reader of the PO format (no dependency): every entry must
have a translation, none may be fuzzy, each translation must use exactly the placeholders of its
source string, and the compiled django.mo must say what django.po says, so that a .po edited but
not recompiled fails. No database is needed.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LC_MESSAGES = Path(__file__).resolve().parent.parent / "cases" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# Source strings with English words whose translation may still contain no Chinese character.
NO_CHINESE_NEEDED: set[str] = set()

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
# %(name)s with optional flags, width and precision; %% is a literal percent sign, not a placeholder.
_NAMED = re.compile(r"%\([^)]+\)[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
_UNNAMED = re.compile(r"%(?!\()[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
_BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[.!:][^{}]*)?\}")
_CHINESE = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]


def _unquote(token: str, lineno: int) -> str:
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"django.po:{lineno}: expected a quoted string, got {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise ValueError(f"django.po:{lineno}: unknown escape in {token!r}")
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        elif char == '"':
            raise ValueError(f"django.po:{lineno}: unescaped quote in {token!r}")
        else:
            out.append(char)
            i += 1
    return "".join(out)


def parse_po(text: str) -> list[Entry]:
    """The entries of a PO file, the header (msgid "") included, in file order."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # the field that continuation strings extend

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgid or current.msgstr or current.msgctxt is not None):
            entries.append(current)
        current, target = None, None

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue  # the previous msgid of an obsolete fuzzy entry
        elif line.startswith("#"):
            if current is not None and target is not None:
                finish()  # a comment after a msgstr opens the next entry
            current = current or Entry(line=lineno)
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"django.po:{lineno}: a continuation string outside an entry")
            name, index = target
            value = _unquote(line, lineno)
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, getattr(current, name) + value)
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise ValueError(f"django.po:{lineno}: cannot read {raw!r}")
        keyword, index, token = match.groups()
        if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
            finish()  # a new entry without a blank line before it
        current = current or Entry(line=lineno)
        current.obsolete = current.obsolete or obsolete
        value = _unquote(token, lineno)
        if keyword.startswith("msgstr"):
            slot = int(index) if index is not None else 0
            current.msgstr[slot] = value
            target = ("msgstr", slot)
        else:
            setattr(current, keyword, value)
            target = (keyword, None)
    finish()
    return entries


def placeholders(text: str, flags: set[str]) -> dict[str, object]:
    """Named %-placeholders as a set; unnamed ones and {braces} as sorted lists where flagged."""
    found: dict[str, object] = {"named": set(_NAMED.findall(text.replace("%%", "")))}
    if "python-format" in flags:
        found["unnamed"] = sorted(_UNNAMED.findall(text.replace("%%", "")))
    if "python-brace-format" in flags:
        found["braces"] = sorted(_BRACES.findall(text.replace("{{", "").replace("}}", "")))
    return found


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def header(po_entries) -> dict[str, str]:
    heads = [e for e in po_entries if e.msgid == "" and e.msgctxt is None]
    assert len(heads) == 1, "django.po needs exactly one header entry"
    lines = heads[0].msgstr.get(0, "").splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    return [e for e in po_entries if not e.obsolete and not (e.msgid == "" and e.msgctxt is None)]


def test_the_parser_reads_plurals_contexts_flags_and_escapes():
    sample = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        "#: a.py:1\n#, fuzzy, python-format\n"
        'msgctxt "ctx"\nmsgid "%(n)s \\"x\\""\nmsgid_plural "%(n)s xs"\nmsgstr[0] ""\n"%(n)s 个“x”"\n\n'
        '#~ msgid "old"\n#~ msgstr "旧"\n'
    )
    head, entry, old = parse_po(sample)
    assert head.msgstr == {0: "Language: zh_Hans\n"}
    assert (entry.msgctxt, entry.msgid, entry.msgid_plural) == ("ctx", '%(n)s "x"', "%(n)s xs")
    assert entry.msgstr == {0: "%(n)s 个“x”"}
    assert entry.flags == {"fuzzy", "python-format"}
    assert old.obsolete and old.msgid == "old"


def test_the_header_declares_chinese_utf8_and_one_plural_form(header):
    assert header["Language"] == "zh_Hans"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_the_catalogue_is_not_empty(messages):
    assert len(messages) > 100, "django.po looks truncated; regenerate it with makemessages"


def test_every_entry_is_translated(messages):
    missing = [e.label for e in messages if not e.translations or not all(e.translations)]
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_no_entry_is_fuzzy(po_entries):
    fuzzy = [e.label for e in po_entries if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy (review, then drop the flag):\n" + "\n".join(fuzzy)


def test_no_obsolete_entries_linger(po_entries):
    assert not [e.label for e in po_entries if e.obsolete], "run makemessages with --no-obsolete"


def test_placeholders_match(messages):
    wrong = []
    for entry in messages:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        expected = [placeholders(source, entry.flags) for source in sources]
        for translated in entry.translations:
            got = placeholders(translated, entry.flags)
            # With one plural form the translation may follow either source form.
            if got not in expected:
                wrong.append(f"{entry.label}: {got} in {translated!r}, expected {expected[0]}")
    assert not wrong, "placeholder mismatch:\n" + "\n".join(wrong)


def _has_words(text: str) -> bool:
    """Whether text has English words once its placeholders are taken out."""
    return bool(_WORD.search(_BRACES.sub("", _NAMED.sub("", text.replace("%%", "")))))


def test_translations_are_chinese(messages):
    english = [
        f"{e.label} -> {text!r}"
        for e in messages
        for text in e.translations
        if e.msgid not in NO_CHINESE_NEEDED and _has_words(e.msgid) and not _CHINESE.search(text)
    ]
    assert not english, "translations without any Chinese:\n" + "\n".join(english)


def test_compiled_catalogue_matches_the_po_file(messages):
    assert MO_PATH.exists(), "django.mo is missing: run compilemessages"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    expected_keys = {""}
    for entry in messages:
        if entry.msgid_plural is not None:
            for count, form in ((1, 0), (2, 0), (5, 0)):
                got = (
                    compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, count)
                    if entry.msgctxt is not None
                    else compiled.ngettext(entry.msgid, entry.msgid_plural, count)
                )
                if got != entry.msgstr.get(form):
                    stale.append(f"{entry.label}: .mo gives {got!r}")
            key_base = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
            expected_keys.update((key_base, i) for i in entry.msgstr)
        else:
            got = (
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt is not None
                else compiled.gettext(entry.msgid)
            )
            if got != entry.msgstr.get(0):
                stale.append(f"{entry.label}: .mo gives {got!r}, .po says {entry.msgstr.get(0)!r}")
            expected_keys.add(entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}")
    assert not stale, "django.mo is stale, run compilemessages:\n" + "\n".join(stale)
    # Entries removed from the .po but still compiled also mean a stale .mo.
    extra = set(compiled._catalog) - expected_keys
    assert not extra, f"django.mo has entries the .po no longer has: {sorted(map(str, extra))[:10]}"


@pytest.mark.parametrize(
    ("label", "chinese"),
    [
        (lambda m: m.Status.DISPOSED.label, "已处置"),
        (lambda m: m.Status.LEAD.label, "线索"),
        (lambda m: m.Status.INVESTIGATING.label, "调查取证"),
        (lambda m: m.Status.WITHDRAWN.label, "不予认定/撤销"),
        (lambda m: m.Category.IDLE.label, "闲置"),
        (lambda m: m.Category.INEFFICIENT.label, "低效"),
        (lambda m: m.DisposalMethod.FREE_RECOVERY.label, "无偿收回"),
        (lambda m: m.DisposalMethod.IDLE_FEE.label, "征缴土地闲置费"),
        (lambda m: m.ProblemFlag.LOW_WILLINGNESS.label, "企业盘活意愿不高"),
        (lambda m: m.Litigation.RECONSIDERATION.label, "行政复议"),
        (lambda m: m.LandParcel._meta.verbose_name, "宗地"),
        (lambda m: m.CaseEvent._meta.verbose_name, "办理记录"),
        (lambda m: m.EvidenceDocument._meta.verbose_name, "证据材料"),
        (lambda m: m.RevitalisationMeasure._meta.verbose_name, "盘活措施"),
        (lambda m: m.Enterprise._meta.get_field("credit_code").verbose_name, "统一社会信用代码"),
        (lambda m: m.LandParcel._meta.get_field("location").verbose_name, "坐落"),
    ],
)
def test_key_terms_read_in_chinese(label, chinese):
    from cases import models

    with translation.override("zh-hans"):
        assert str(label(models)) == chinese
    with translation.override("en"):
        assert str(label(models)) != chinese


def test_the_disposed_status_reads_in_chinese():
    from cases.models import Status

    with translation.override("zh-hans"):
        assert str(Status.DISPOSED.label) == "已处置"
