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

from hedui.web.config import DEFAULT_ISSUER
from hedui.web.formatting import beijing, cell, number
from hedui.web.glossary import item_label, source_label
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
        self.report_first_page = 1
        self.report_total: int | None = None
        self.report_starts: list[int] = []
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

    def start_report(self, footer_text: str, total_pages: int | None) -> None:
        """Pages from here on belong to a new report: its own footer and page count."""
        self.footer_text = footer_text
        self.report_first_page = self.page_no() + 1
        self.report_total = total_pages
        self.report_starts.append(self.report_first_page)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, size=8)
        x = self.page_no() - self.report_first_page + 1
        y = self.report_total or "?"
        self.cell(0, 6, self.t(f"{self.footer_text} · 第 {x} / {y} 页 page {x} / {y}"), align="C")

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


def _report_pages(doc: _Doc, page: ReportPage, issuer: str, printed: str) -> None:
    """One formal 核对报告 (A4, Chinese with English as a secondary line), from a new page."""
    doc.add_page()
    doc.set_font(doc.family, "B", 12)
    doc.cell(0, 7, doc.t(issuer), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(doc.family, "B", 17)
    doc.cell(0, 10, doc.t("家庭经济状况核对报告"), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(doc.family, size=9)
    doc.cell(
        0,
        5,
        doc.t("Household economic verification report"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font(doc.family, size=10)
    doc.para(f"报告编号 Report no.: {page.report_no}")

    doc.heading("一、核对申请 Request")
    doc.grid(
        [
            ["申请编号 Request", "申请日期 Request date", "核对日期 Run date", "政策版本 Policy"],
            [
                page.request_id,
                cell(page.request_date),
                str(page.run_date),
                cell(page.report.get("policy_version")),
            ],
        ]
    )
    (nv, _), (nr, _) = page.verified, page.refused
    if page.member_lines:
        doc.grid(
            [["成员 Member (姓名)", "身份证号 ID number", "角色 Role"]]
            + [[n, i, item_label(r)] for n, i, r, _ in page.member_lines],
            (30, 45, 25),
        )
    doc.para(
        f"已核对成员 Verified: {number(nv)}    "
        f"未授权未核对 Refused (no authorization): {number(nr)}"
        "    （姓名、身份证号已脱敏 names and ID numbers masked）"
    )

    doc.heading("二、核对数据与标准 Figures, standards and formulas")
    doc.grid(
        [["项目 Figure", "数值 Value", "适用标准 Standard in force", "计算 Formula"]]
        + [[f.label, f.value, f.standard, f.formula] for f in page.figure_lines],
        (24, 14, 32, 30),
    )

    doc.heading("三、核对结论及理由 Result and why")
    doc.set_font(doc.family, "B", 13)
    doc.para(
        f"结论 Result: {page.tier_label}    月救助金额 Monthly amount: "
        f"{cell(page.report.get('monthly_amount'))} 元"
    )
    doc.set_font(doc.family, size=10)
    if page.complete is False:
        missing = ", ".join(source_label(s) for s in page.missing_sources)
        doc.para("结果不完整 Incomplete — 缺失的数据源 missing sources: " + (missing or "—"))
    if page.undecided_regions:
        doc.para(
            "异地核查未完成，结果待定 Waiting on a partner region, undecided: "
            + "; ".join(
                f"{r.name} {r.region_label} {r.finding_label}" for r in page.undecided_regions
            )
        )
    for line in page.why:
        doc.para(f"· {line}")
    if page.explanations:
        doc.grid(
            [["代码 Code", "说明 Meaning"]]
            + [[e.code, f"{e.label}: {e.text}"] for e in page.explanations],
            (20, 80),
        )

    doc.heading("四、数据来源 Sources and as-of dates")
    if page.as_of:
        doc.grid([["数据源 Source", "截止日期 As of"]] + [list(p) for p in page.as_of], (70, 30))
    else:
        doc.para("此仓库中暂无 (not available in this warehouse)")
    if page.regions:
        doc.para("异地核查 Figures from partner regions (京津冀)")
        doc.grid(
            [["成员 Member", "地区 Region", "核查结果 Answer", "数据截止 As of"]]
            + [[r.name, r.region_label, r.finding_label, cell(r.as_of)] for r in page.regions],
            (16, 20, 46, 18),
        )
    doc.set_font(doc.family, size=8)
    doc.para("缺失的数据源不作为零处理。 Missing sources are never read as zero.")

    doc.heading("五、签发 Sign-off")
    doc.set_font(doc.family, size=10)
    y = doc.get_y() + 2
    doc.set_xy(doc.l_margin, y)
    doc.cell(85, 8, doc.t("核对人 Verifier: ____________________"))
    doc.cell(0, 8, doc.t("复核人 Reviewer: ____________________"), new_x="LMARGIN", new_y="NEXT")
    doc.cell(85, 8, doc.t("日期 Date: ____________"))
    doc.cell(0, 8, doc.t("日期 Date: ____________"), new_x="LMARGIN", new_y="NEXT")
    box = doc.get_y() + 2
    doc.rect(doc.w - doc.r_margin - 45, box, 45, 30)
    doc.set_xy(doc.w - doc.r_margin - 45, box + 12)
    doc.cell(45, 6, doc.t("（盖章 Stamp）"), align="C")
    doc.set_xy(doc.l_margin, box + 32)
    doc.set_font(doc.family, size=8)
    doc.para(f"打印时间 Printed: {printed}    {issuer}")


def report_pdf(
    page: ReportPage,
    generated_by: str,
    at: datetime | None = None,
    issuer: str = DEFAULT_ISSUER,
) -> bytes:
    """A4 PDF of one request's formal verification report (the printable page's content)."""
    return reports_pdf([page], generated_by, at, issuer)


def reports_pdf(
    pages: list[ReportPage],
    generated_by: str,
    at: datetime | None = None,
    issuer: str = DEFAULT_ISSUER,
) -> bytes:
    """Several reports as one PDF (batch printing: all of a day's reports); each report starts
    on a new page and the footer numbers the pages of its own report (page x / y)."""
    at = at or datetime.now(UTC)
    printed = beijing(at)
    font = find_font()
    totals: list[int | None] = [None] * len(pages)
    for final in (False, True):  # the first pass counts each report's pages
        doc = _Doc(font, "")
        doc.set_title("核对报告 Verification reports" if len(pages) != 1 else pages[0].report_no)
        doc.set_author(issuer)
        doc.set_creator(f"Hedui ({generated_by})")
        for page, total in zip(pages, totals, strict=True):
            doc.start_report(f"{page.report_no} · {printed}", total)
            _report_pages(doc, page, issuer, printed)
        if not pages:
            doc.add_page()
            doc.para("该日无核对报告 No reports on that day.")
        if final:
            return bytes(doc.output())
        ends = [*doc.report_starts[1:], doc.page_no() + 1]
        totals = [end - start for start, end in zip(doc.report_starts, ends, strict=True)]
    raise AssertionError("unreachable")
