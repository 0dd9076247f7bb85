"""The verification report as a PDF (fpdf2, with an embedded CJK font when the machine has one).

Font: ``HEDUI_PDF_FONT`` (``path`` or ``path#index`` for a collection), else Noto Sans CJK SC
(Debian ``fonts-noto-cjk``), else WenQuanYi; without any, a core Latin font and the English half
of every label (Chinese characters dropped), so a report is always produced.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from hedui.web.formatting import cell, money, number
from hedui.web.views import ReportPage

_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
]


@dataclass(frozen=True)
class FontChoice:
    path: Path | None
    index: int = 0

    @property
    def unicode(self) -> bool:
        return self.path is not None


def find_font() -> FontChoice:
    env = os.environ.get("HEDUI_PDF_FONT")
    if env:
        path, _, index = env.partition("#")
        if Path(path).exists():
            return FontChoice(Path(path), int(index or 0))
    for path, index in _CANDIDATES:
        if Path(path).exists():
            return FontChoice(Path(path), index)
    return FontChoice(None)


_NON_LATIN = re.compile(r"[^\x00-\xff]+")


class _Doc(FPDF):
    def __init__(self, font: FontChoice, footer_text: str) -> None:
        super().__init__(format="A4")
        self.font_choice = font
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=18)
        if font.unicode:
            kw = {"collection_font_number": font.index} if font.path.suffix == ".ttc" else {}
            self.add_font("body", fname=str(font.path), **kw)
            bold = font.path.with_name(font.path.name.replace("Regular", "Bold"))
            self.add_font("body", style="B", fname=str(bold if bold.exists() else font.path), **kw)
            self.family = "body"
        else:
            self.family = "helvetica"

    def t(self, text: str) -> str:
        """Text the font can draw: without a CJK font keep only the Latin part."""
        if self.font_choice.unicode:
            return text
        return re.sub(r"\s{2,}", " ", _NON_LATIN.sub("", text)).strip() or "-"

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, size=8)
        self.cell(0, 6, self.t(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font(self.family, "B", 12)
        self.cell(0, 8, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, size=10)

    def para(self, text: str) -> None:
        self.multi_cell(0, 5.5, self.t(text), new_x="LMARGIN", new_y="NEXT")

    def grid(self, rows: list[list[str]], widths: tuple[int, ...] | None = None) -> None:
        head = FontFace(emphasis="BOLD", fill_color=(234, 238, 242))
        with self.table(
            col_widths=widths, headings_style=head, line_height=6, text_align="LEFT", padding=1
        ) as table:
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(self.t(value))


def report_pdf(page: ReportPage, generated_by: str, at: datetime | None = None) -> bytes:
    """A4 PDF of one request's verification report; the same content as the printable page."""
    at = at or datetime.now(UTC)
    footer = f"核对报告 Verification report {page.request_id} · run {page.run_date}"
    doc = _Doc(find_font(), footer)
    doc.set_title(f"Verification report {page.request_id}")
    doc.set_subject(f"tier: {page.tier}")
    doc.set_author("Hedui")
    doc.add_page()
    doc.set_font(doc.family, "B", 16)
    doc.cell(
        0,
        10,
        doc.t("家庭经济状况核对报告 Household verification report"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font(doc.family, size=10)
    doc.para(
        f"申请编号 Request: {page.request_id}    核对日期 Run date: {page.run_date}    "
        f"政策版本 Policy version: {cell(page.report.get('policy_version'))}"
    )

    doc.heading("核对结论 Result")
    doc.set_font(doc.family, "B", 13)
    doc.para(f"等级 Tier: {page.tier_label}")
    doc.set_font(doc.family, size=10)
    if page.complete is False:
        doc.para(
            "结果不完整 Incomplete result — missing sources: "
            + (", ".join(page.missing_sources) or "见原因代码 see the reason codes")
        )
    doc.grid(
        [["项目 Figure", "数值 Value"]]
        + [[label, money(v) if kind == "money" else number(v)] for label, v, kind in page.figures],
        (70, 30),
    )

    doc.heading("原因代码 Reason codes")
    if page.explanations:
        doc.grid(
            [["代码 Code", "说明 Meaning"]]
            + [[e.code, f"{e.label}: {e.text}"] for e in page.explanations],
            (22, 78),
        )
    else:
        doc.para("无 None")

    doc.heading("成员授权 Members")
    (nv, _), (nr, kr) = page.verified, page.refused
    doc.para(
        f"已核对 Verified: {number(nv)}    未授权未核对 Refused (no authorization): {number(nr)}"
    )
    for key in kr:
        doc.para(f"  · {key[:16]} 未提供授权书，未查询 (not looked up)")

    doc.heading("数据来源截止日期 Source as-of dates")
    if page.as_of:
        doc.grid([["数据源 Source", "截止日期 As of"]] + [list(p) for p in page.as_of], (60, 40))
    else:
        doc.para("此仓库中暂无 (not available in this warehouse)")

    doc.ln(4)
    doc.set_font(doc.family, size=8)
    doc.para(
        f"生成 Generated {at.isoformat(timespec='seconds')} by {generated_by}. "
        "本报告依据发布数据仓库生成；缺失的数据源不作为零处理。"
        " Missing sources are never read as zero."
    )
    return bytes(doc.output())
