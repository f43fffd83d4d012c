"""Parsing the Ministry's 职业教育专业简介 (2022) Markdown, one file per 专业类, into one profile per specialty.

The Markdown was converted from the Ministry's PDFs. The conversion lost the 专业代码 line (and sometimes the 专业名称
line) of about 90 blocks and split some sentences over two lines. Each file is cut into blocks where a block's header
starts or a section heading comes round again; each block is then matched to a specialty of the file's own 专业类:
by its code, else by its name, else by its place between two matched blocks when that gap leaves exactly as many
specialties as blocks. Nothing is ever matched across 专业类; a block that cannot be placed is reported, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from programs.loading import RowError

PROFILE_SOURCE = "职业教育专业简介（2022年修订），教育部"

# Section headings in the order a block gives them, and the profile field each fills.
SECTIONS = {
    "职业面向": "occupations",
    "培养目标定位": "training_goals",
    "主要专业能力要求": "abilities",
    "主要专业课程与实习实训": "courses",
    "主要专业课程": "courses",
    "职业类证书举例": "certificates",
    "接续专业举例": "follow_on",
    # Variants a few files use for the same sections.
    "培养目标": "training_goals",
    "专业能力要求": "abilities",
    "主要专业课程和实训实习": "courses",
    "职业类证书列举": "certificates",
    "职类证书举例": "certificates",
    "职业资格证书举例": "certificates",
    "职业证书类型": "certificates",
}
ORDER = ["occupations", "training_goals", "abilities", "courses", "certificates", "follow_on"]

CODE = re.compile(r"^专业代码\s*([0-9]{6}K?)\s*$")
NAME = re.compile(r"^专业名称\s*(\S.*)$")
YEARS = re.compile(r"^基本修业年限\s*(\S.*)$")
CLASS_FILE = re.compile(r"^([0-9]{4})\s*(\S+)\.md$")
# A paragraph ends at these; a PDF line break anywhere else is a split sentence.
ENDS = ("。", "；", ";", "：", ":", "）", ")")
STARTS_ITEM = re.compile(r"^(接续|[0-9]+[.．、]|[（(][0-9一二三四五六七八九十]+[）)]|[^：:，,。]{2,12}[：:])")
# Where one line holds two levels' lists ("…工程技术接续普通本科专业举例：…"), cut before the second.
FOLLOW_ON_SPLIT = re.compile(r"\n|(?=接续(?:高职专科|高职本科|职业本科|普通本科|专业硕士|硕士))")
NONE_LISTED = {"暂无", "无"}
OMITTED = {"（略）", "(略)", "略"}
YEARS_WORDS = {"二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
# 接续专业举例 lines: which level the names that follow are at.
FOLLOW_ON_LINE = re.compile(r"^接续(高职专科|高职本科|职业本科|普通本科)专业(?:专业)?(?:举例)?\s*[：:]\s*(.*)$")


@dataclass
class Block:
    """One specialty's text as found in the file, before it is matched to the catalog."""

    line: int
    code: str = ""
    name: str = ""
    years_text: str = ""
    sections: dict[str, list[str]] = field(default_factory=dict)
    last: int = -1  # index in ORDER of the last section seen
    omitted: bool = False  # the Ministry printed （略） instead of a profile

    def text(self, section: str) -> str:
        return "\n".join(_paragraphs(self.sections.get(section, [])))


@dataclass
class Profile:
    """A matched block: the specialty's code, the profile fields, and the 接续 names by level."""

    code: str
    years: int | None
    fields: dict[str, str]
    follow_on: dict[str, list[str]]  # "associate" / "bachelor" / "undergraduate" -> names
    path: str
    line: int
    how: str  # "code", "name" or "position"


@dataclass
class ClassProfiles:
    class_code: str
    path: str
    profiles: list[Profile]
    unplaced: list[tuple[int, str]]  # (line, why) of blocks that could not be matched
    omitted: list[str]  # codes whose profile the Ministry left out （略）


def _paragraphs(lines: list[str]) -> list[str]:
    """Join the PDF's split sentences back together; keep list items and labelled lines apart."""
    out: list[str] = []
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        if out and not out[-1].endswith(ENDS) and not STARTS_ITEM.match(text):
            out[-1] += text
        else:
            out.append(text)
    return out


def parse_years(text: str) -> int | None:
    """'三年' -> 3; '六年（小学毕业起点）、三年' -> 3, the years after 初中 (the last option given)."""
    found = re.findall(r"([二两三四五六])年", text)
    years = YEARS_WORDS[found[-1]] if found else None
    return years if years is not None and 2 <= years <= 5 else None


def parse_blocks(path: Path) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    section: str | None = None

    def start(line: int) -> Block:
        block = Block(line=line)
        blocks.append(block)
        return block

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip().replace("\u3000", " ")
        heading = text.lstrip("#").strip()
        if (match := CODE.match(heading)) is not None:
            if current is None or current.code or current.sections:
                current = start(number)
            current.code, section = match.group(1), None
        elif (match := NAME.match(heading)) is not None:
            if current is None or current.name or current.sections:
                current = start(number)
            current.name, section = match.group(1).strip(), None
        elif (match := YEARS.match(heading)) is not None:
            if current is None or current.years_text or current.sections:
                current = start(number)
            current.years_text, section = match.group(1).strip(), None
        elif heading in SECTIONS:
            section = SECTIONS[heading]
            index = ORDER.index(section)
            if current is None or index <= current.last:
                current = start(number)  # the header of this block was lost in the conversion
            current.last = index
            current.sections.setdefault(section, [])
        elif text.startswith("#"):
            section = None  # a 大类 or 专业类 title
        elif text in OMITTED and current is not None and not current.sections:
            current.omitted = True
        elif section is not None and current is not None:
            current.sections[section].append(text)
    return blocks


def _follow_on(block: Block) -> dict[str, list[str]]:
    """The 接续 names by level: 中职 lists 高职专科 and 高职本科 names; 高职专科 lists 高职本科 and 普通本科 ones."""
    names: dict[str, list[str]] = {}
    levels = {"高职专科": "associate", "高职本科": "bachelor", "职业本科": "bachelor", "普通本科": "undergraduate"}
    text = "\n".join(_paragraphs(block.sections.get("follow_on", [])))
    for paragraph in FOLLOW_ON_SPLIT.split(text):
        match = FOLLOW_ON_LINE.match(paragraph.strip())
        if match is None:
            continue
        level = levels[match.group(1)]
        for raw in re.split(r"[、，,；;]", match.group(2).rstrip("。")):
            name = re.sub(r"\s+", "", raw)
            if name and name not in NONE_LISTED:
                names.setdefault(level, []).append(name)
    return names


def _normal(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")")


@dataclass
class _Placing:
    """Which block of a file is which specialty, as it is worked out."""

    codes: list[str]  # the 专业类's specialties in catalog order
    placed: dict[int, tuple[str, str]] = field(default_factory=dict)  # block index -> (code, how)
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    rejected: set[int] = field(default_factory=set)  # blocks whose own code is wrong: never placed by position


def _place_by_code_or_name(blocks: list[Block], catalog: list[tuple[str, str]], class_code: str) -> _Placing:
    placing = _Placing(codes=[code for code, _name in catalog])
    by_code = {code.rstrip("K"): code for code in placing.codes}
    by_name = {_normal(name): code for code, name in catalog}
    for n, block in enumerate(blocks):
        if block.code:
            code = by_code.get(block.code.rstrip("K"))
            if code is None:
                placing.unplaced.append((block.line, f"专业代码 {block.code} is not in 专业类 {class_code}"))
                placing.rejected.add(n)
            else:
                placing.placed[n] = (code, "code")
        elif block.name and _normal(block.name) in by_name:
            placing.placed[n] = (by_name[_normal(block.name)], "name")
    return placing


def _place_by_position(blocks: list[Block], placing: _Placing) -> None:
    """Between two placed blocks, the catalog's specialties between theirs that no block has taken go to the blocks
    left there, in order, when there are exactly as many of each; otherwise those blocks are reported."""
    codes, placed = placing.codes, placing.placed
    taken = {code for code, _how in placed.values()}
    anchors = [-1, *sorted(placed), len(blocks)]
    for before, after in zip(anchors, anchors[1:], strict=False):
        gap = [n for n in range(before + 1, after) if n not in placing.rejected]
        if not gap:
            continue
        low = codes.index(placed[before][0]) + 1 if before >= 0 else 0
        high = codes.index(placed[after][0]) if after < len(blocks) else len(codes)
        free = [code for code in codes[low:high] if code not in taken]
        if len(free) == len(gap):
            placed.update({n: (code, "position") for n, code in zip(gap, free, strict=True)})
        else:
            reason = f"no 专业代码; {len(gap)} such blocks between matched ones but {len(free)} codes"
            placing.unplaced.extend((blocks[n].line, reason) for n in gap)


def _profile(block: Block, code: str, how: str, path: Path) -> Profile:
    fields = {name: block.text(name) for name in ORDER if name != "follow_on"}
    years = parse_years(block.years_text)
    return Profile(code, years, fields, _follow_on(block), path.name, block.line, how)


def class_profiles(path: Path, catalog: Iterable[tuple[str, str]]) -> ClassProfiles:
    """Match the blocks of one 专业类 file to its specialties, given as (code, name) in catalog order."""
    found = CLASS_FILE.match(path.name)
    if found is None:
        raise RowError(path, 1, "the file name does not start with a 4-digit 专业类 code")
    class_code, specialties = found.group(1), list(catalog)
    parsed = parse_blocks(path)
    blocks = [b for b in parsed if b.sections]
    placing = _place_by_code_or_name(blocks, specialties, class_code)
    _place_by_position(blocks, placing)
    profiles: dict[str, Profile] = {}
    for n in sorted(placing.placed):
        code, how = placing.placed[n]
        if code in profiles:
            placing.unplaced.append((blocks[n].line, f"a second block for {code}"))
        else:
            profiles[code] = _profile(blocks[n], code, how, path)
    by_code = {code.rstrip("K"): code for code in placing.codes}
    omitted = [by_code[b.code.rstrip("K")] for b in parsed if b.omitted and b.code.rstrip("K") in by_code]
    return ClassProfiles(class_code, path.name, list(profiles.values()), sorted(placing.unplaced), omitted)


# Short facts for a recommendation's reason ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecialtyFacts:
    """What a 15-year-old reads under a recommendation: a few jobs and a few courses, from the Ministry's text."""

    name: str
    jobs: tuple[str, ...] = ()  # the 岗位 of its 职业面向, else occupations of 人社部's table
    courses: tuple[str, ...] = ()  # its first 专业核心课程
    occupations: tuple[str, ...] = ()  # the first occupations of 人社部's table: "毕业后可以从事"


OCCUPATIONS_SHOWN = 4
JOBS = re.compile(r"[，,]\s*([^，,。]+?)等(?:工作)?(?:岗位|技术领域)")
OCCUPATIONS = re.compile(r"面向([^，,。]+?)等职业")
CORE_COURSES = re.compile(r"专业核心课程\s*[：:]\s*([^。\n]+)")


def _items(text: str, most: int) -> tuple[str, ...]:
    parts = [p.strip(" 　等") for p in re.split(r"[、；;，,]", text)]
    return tuple(p for p in parts if 1 < len(p) <= 16)[:most]


def specialty_facts(*, name: str, occupations: str, courses: str, occupation_names: list[str]) -> SpecialtyFacts:
    """Two jobs (the 岗位 named in 职业面向, else the first occupations of the table) and two core courses."""
    found = JOBS.search(occupations)
    jobs = _items(found.group(1), 2) if found else ()
    if not jobs:
        jobs = tuple(occupation_names[:2])
    if not jobs and (named := OCCUPATIONS.search(occupations)):
        jobs = _items(named.group(1), 2)
    core = CORE_COURSES.search(courses)
    courses_found = _items(core.group(1), 2) if core else ()
    return SpecialtyFacts(
        name=name, jobs=jobs, courses=courses_found, occupations=tuple(occupation_names[:OCCUPATIONS_SHOWN])
    )
