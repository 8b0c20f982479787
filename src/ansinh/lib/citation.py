"""A legal reference as the data writes it, read back in Vietnamese or English words.

The standards and rules cite the law in one short form (``Decree 07/2021/NĐ-CP Art. 3 cl. 1(b)``,
``Circular 07/2021/TT-BLĐTBXH, indicator 1``, several joined by ``;``). An officer reads it aloud in the
Vietnamese form, ``Nghị định 07/2021/NĐ-CP, Điều 3, khoản 1, điểm b``. The reference is parsed into its
parts (kind of act, number, article, clause, point, note) and the parts are worded from the tables below,
so no reference is ever translated by hand one string at a time.

>>> cite("Decree 07/2021/NĐ-CP Art. 3 cl. 1(b); Circular 07/2021/TT-BLĐTBXH, indicator 1")
'Nghị định 07/2021/NĐ-CP, Điều 3, khoản 1, điểm b; Thông tư 07/2021/TT-BLĐTBXH, chỉ số 1'
>>> cite("Decree 07/2021/NĐ-CP Art. 3 cl. 2(a)-(b)", "en")
'Decree 07/2021/NĐ-CP, Article 3, clause 2, points (a)–(b)'
>>> cite("Resolution 15/2024/NQ-HĐND (indicator added by the city)")
'Nghị quyết 15/2024/NQ-HĐND (chỉ số do thành phố bổ sung)'
"""

from __future__ import annotations

import re

# The kinds of act, longest first (the English short form → Vietnamese, English).
KINDS: dict[str, tuple[str, str]] = {
    "Labour Code": ("Bộ luật Lao động", "Labour Code"),
    "Civil Code": ("Bộ luật Dân sự", "Civil Code"),
    "Resolution": ("Nghị quyết", "Resolution"),
    "Circular": ("Thông tư", "Circular"),
    "Decision": ("Quyết định", "Decision"),
    "Decree": ("Nghị định", "Decree"),
    "Law": ("Luật", "Law"),
}
# Notes written in brackets or after the act (lower case) → Vietnamese, English. A note not listed here is
# an engineer's annotation: kept in English, left out of the Vietnamese text.
NOTES: dict[str, tuple[str, str]] = {
    "indicator added by the city": ("chỉ số do thành phố bổ sung", "indicator added by the city"),
    "indicator added for 2027–2030": ("chỉ số bổ sung giai đoạn 2027–2030", "indicator added for 2027–2030"),
    "indicator added for 2027-2030": ("chỉ số bổ sung giai đoạn 2027–2030", "indicator added for 2027–2030"),
    "article not checked": ("chưa đối chiếu điều, khoản", "article not checked"),
    "as proposed": ("theo dự thảo", "as proposed"),
    "more than 50%": ("trên 50%", "more than 50%"),
    "and its guidance": ("và văn bản hướng dẫn", "and its guidance"),
    "every item is surveyed": ("khảo sát mọi nội dung", "every item is surveyed"),
}
PARTS: dict[str, tuple[str, str]] = {
    "article": ("Điều", "Article"),
    "clause": ("khoản", "clause"),
    "point": ("điểm", "point"),
    "points": ("điểm", "points"),
    "indicator": ("chỉ số", "indicator"),
    "as_national": ("như quy định quốc gia tại", "as national"),
    "dated": ("ngày", "of"),
}

_KIND = "|".join(re.escape(k) for k in KINDS)
_ACT = re.compile(rf"^(?P<national>as national )?(?P<kind>{_KIND})\s+(?P<number>[^\s,;()]+)(?P<rest>.*)$")
_ARTICLE = re.compile(r"^\s*,?\s*Art\.\s*(?P<article>\d+)")
_CLAUSE = re.compile(r"^\s*,?\s*cl\.\s*(?P<clause>\d+(?:[–-]\d+)?)(?:\((?P<point>[a-zđ])\)(?:-\((?P<to>[a-zđ])\))?)?")
_INDICATOR = re.compile(r"^\s*,\s*indicator\s+(?P<indicator>\d+)")
_BRACKET = re.compile(r"^\s*\((?P<note>[^()]*)\)")
_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$|^\d{4}$")
_NOTE = re.compile(r"^\s*(?P<note>and its guidance)")
# A note already written in Vietnamese (it has a letter English does not) reads the same in both languages.
_ENGLISH = re.compile(r"\b(and|of|the|or|for|per|reads|policy|vs)\b")
_VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def _word(key: str, lang: str) -> str:
    return PARTS[key][0 if lang == "vi" else 1]


def _note(note: str, lang: str) -> str | None:
    note = note.strip()
    if _DATE.match(note):
        return f"{_word('dated', lang)} {note}" if "/" in note else note
    known = NOTES.get(note.lower())
    if known is not None:
        return known[0 if lang == "vi" else 1]
    if lang == "vi" and (not _VIETNAMESE.search(note) or _ENGLISH.search(note)):
        return None
    return note


def _one(text: str, lang: str) -> str:
    match = _ACT.match(text.strip())
    if match is None:  # not a citation this reader knows: the words as written
        return text.strip()
    kind = KINDS[match["kind"]][0 if lang == "vi" else 1]
    words = [f"{kind} {match['number']}"]
    prefix = f"{_word('as_national', lang)} " if match["national"] else ""
    rest = match["rest"]
    notes: list[str] = []
    while rest.strip():
        if m := _ARTICLE.match(rest):
            words.append(f"{_word('article', lang)} {m['article']}")
        elif m := _CLAUSE.match(rest):
            words.append(f"{_word('clause', lang)} {m['clause']}")
            if m["point"]:
                if m["to"]:
                    span = f"{m['point']}–{m['to']}" if lang == "vi" else f"({m['point']})–({m['to']})"
                    words.append(f"{_word('points', lang)} {span}")
                else:
                    words.append(f"{_word('point', lang)} {m['point'] if lang == 'vi' else '(' + m['point'] + ')'}")
        elif m := _INDICATOR.match(rest):
            words.append(f"{_word('indicator', lang)} {m['indicator']}")
        elif m := _BRACKET.match(rest):
            note = _note(m["note"], lang)
            if note:
                notes.append(note)
        elif m := _NOTE.match(rest):
            note = _note(m["note"], lang)
            if note:
                notes.append(note)
        else:  # anything else after the act is an annotation: English only
            if lang != "vi":
                notes.append(rest.strip(" ,"))
            break
        rest = rest[m.end() :] if m else ""
    # Brackets hold every note but a date, which reads as part of the act ("Quyết định … ngày 23/03/2021").
    dated = [n for n in notes if n.startswith(_word("dated", lang) + " ")]
    others = [n for n in notes if n not in dated]
    head = " ".join(words[:1] + dated)
    text = ", ".join([head, *words[1:]])
    if others:
        text += f" ({'; '.join(others)})"
    return prefix + text


def cite(reference: str, lang: str = "vi") -> str:
    """``reference`` (one or several joined by ``;``) in the words of ``lang`` (``vi`` or ``en``)."""
    return "; ".join(_one(part, lang) for part in reference.split(";") if part.strip())
