"""A simulation's files: an XLSX workbook (one sheet per table) and a PDF summary with charts.

The PDF uses the web report's font choice (a CJK font when the machine has one) and draws its
bar charts with fpdf2 rectangles. Both carry the reform's hash, the published version and the
code version.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import xlsxwriter
from fpdf import FPDF

from hedui.simulation.run import SimulationResult
from hedui.web.pdf import FontChoice, find_font

STAMP_COLUMNS = ("reform_hash", "published_version", "code_version")
BASELINE_RGB, REFORM_RGB = (140, 160, 180), (200, 90, 60)


def _cell(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value


def write_xlsx(result: SimulationResult, path: Path) -> Path:
    """One sheet per result table (headers bold, stamp columns last)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True, "bg_color": "#EAEEF2"})
    try:
        for name, frame in result.tables.items():
            sheet = book.add_worksheet(name[:31])
            for c, column in enumerate(frame.columns):
                sheet.write(0, c, column, bold)
                sheet.set_column(c, c, max(10, min(48, len(column) + 2)))
            for r, row in enumerate(frame.iter_rows(), start=1):
                for c, value in enumerate(row):
                    value = _cell(value)
                    if value is None:
                        continue
                    sheet.write(r, c, value)
            sheet.freeze_panes(1, 0)
    finally:
        book.close()
    return path


class _Summary(FPDF):
    def __init__(self, font: FontChoice, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=16)
        if font.path is not None:
            kw = {"collection_font_number": font.index} if font.path.suffix == ".ttc" else {}
            self.add_font("body", fname=str(font.path), **kw)
            self.add_font("body", style="B", fname=str(font.path), **kw)
            self.family = "body"
        else:
            self.family = "helvetica"

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(self.family, size=7)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(self.family, "B", 12)
        self.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, size=9)

    def para(self, text: str) -> None:
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    def frame_table(self, frame: pl.DataFrame, columns: list[str] | None = None) -> None:
        columns = columns or [c for c in frame.columns if c not in STAMP_COLUMNS]
        self.set_font(self.family, size=7)
        with self.table(line_height=4.5, text_align="LEFT", padding=0.8) as table:
            head = table.row()
            for c in columns:
                head.cell(c.replace("_", " "))
            for row in frame.select(columns).iter_rows():
                line = table.row()
                for value in row:
                    v = _cell(value)
                    line.cell("" if v is None else (f"{v:,}" if isinstance(v, int) else str(v)))
        self.set_font(self.family, size=9)

    def grouped_bars(
        self, title: str, labels: list[str], baseline: list[float], reform: list[float]
    ) -> None:
        """Baseline and reform bars side by side per label, with their values."""
        height, left = 48.0, self.l_margin + 4
        width = self.w - self.l_margin - self.r_margin - 8
        if self.get_y() + height + 22 > self.h - self.b_margin:
            self.add_page()
        self.set_font(self.family, "B", 9)
        self.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        top = self.get_y() + 4
        peak = max([*baseline, *reform, 1.0])
        slot = width / max(len(labels), 1)
        bar = min(12.0, slot * 0.35)
        self.set_font(self.family, size=6.5)
        for i, label in enumerate(labels):
            x = left + slot * i + slot / 2
            for j, (value, rgb) in enumerate(
                ((baseline[i], BASELINE_RGB), (reform[i], REFORM_RGB))
            ):
                h = height * max(value, 0) / peak
                bx = x - bar + j * bar
                self.set_fill_color(*rgb)
                self.rect(bx, top + height - h, bar * 0.95, h, style="F")
                self.set_xy(bx - 2, top + height - h - 3.5)
                self.cell(bar + 4, 3, f"{value:,.0f}", align="C")
            self.set_xy(x - slot / 2, top + height + 1)
            self.cell(slot, 3.5, label, align="C")
        self.set_draw_color(120, 120, 120)
        self.line(left, top + height, left + width, top + height)
        self.set_xy(left, top + height + 6)
        for name, rgb in (("baseline", BASELINE_RGB), ("reform", REFORM_RGB)):
            self.set_fill_color(*rgb)
            self.rect(self.get_x(), self.get_y() + 0.8, 3, 3, style="F")
            self.set_x(self.get_x() + 4)
            self.cell(20, 4.5, name)
        self.set_xy(self.l_margin, top + height + 12)
        self.set_font(self.family, size=9)


def summary_pdf(result: SimulationResult) -> bytes:
    """The PDF summary: headline, cost, charts, transition matrix, window, take-up."""
    t, s = result.tables, result.stamp
    doc = _Summary(
        find_font(),
        f"reform {result.reform.label} · sha256 {s.reform_hash[:16]} · "
        f"published {s.published_version} · code {s.code_version}",
    )
    doc.alias_nb_pages()
    doc.add_page()
    doc.set_font(doc.family, "B", 15)
    doc.cell(0, 10, f"Policy simulation: {result.reform.label}", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(doc.family, size=9)
    doc.para(
        f"Snapshot: the published night of {result.run_date} (version "
        f"{s.published_version}); parameters in force on {result.headline_date}. Reform "
        f"sha256 {s.reform_hash}. Code {s.code_version}."
    )
    changed = t["parameters"].filter(pl.col("changed") & (pl.col("parameter") != "policy_version"))
    doc.heading("Parameters that change")
    doc.frame_table(changed, ["parameter", "baseline", "reform", "in_reform", "derived_from"])
    doc.heading("Headline: households and persons per tier")
    doc.frame_table(t["headline"])
    head = t["headline"].filter(pl.col("tier") != "none")
    doc.grouped_bars(
        "Households per tier (baseline vs reform)",
        head["tier"].to_list(),
        head["baseline_households"].cast(pl.Float64).to_list(),
        head["reform_households"].cast(pl.Float64).to_list(),
    )
    c = t["cost"].row(0, named=True)
    u = t["take_up"].row(0, named=True)
    doc.heading("Cost (yuan)")
    doc.para(
        f"Change a month {c['change_monthly']:+,}, a year {c['change_annual']:+,}: new entrants "
        f"({c['new_entrants']} households) {c['new_entrants_monthly']:+,} a month, current "
        f"recipients ({c['current_recipients']}) {c['current_recipients_change_monthly']:+,} a "
        f"month. Not costed (amount null: undecided or expenditure hardship): "
        f"{c['households_without_amount']} households."
    )
    if u["observed_take_up_rate"] is not None:
        doc.para(
            f"At today's take-up rate ({u['observed_take_up_rate']:.1%} of the baseline's "
            f"paid households are on the roll): {u['change_monthly_observed_take_up']:+,} "
            f"a month, {u['change_annual_observed_take_up']:+,} a year."
        )
    district = t["cost_by_district"]
    doc.grouped_bars(
        "Monthly cost by district (baseline vs reform)",
        district["district_code"].to_list(),
        district["baseline_monthly"].cast(pl.Float64).to_list(),
        district["reform_monthly"].cast(pl.Float64).to_list(),
    )
    doc.heading("Budget window")
    doc.frame_table(t["budget_window"])
    doc.heading("Tier transitions (rows: baseline, columns: reform)")
    doc.frame_table(t["transitions"])
    doc.heading("Who moves")
    doc.frame_table(t["movers_by_type"])
    doc.frame_table(t["movers_by_decile"])
    doc.heading("Persons below the line")
    doc.frame_table(t["persons_below_line"])
    doc.heading("Calibration: simulated baseline beside the assistance roll")
    doc.frame_table(t["calibration"])
    doc.para(
        f"{t['households'].height} households change tier or amount; "
        f"{t['outreach'].height} newly eligible households nobody assists go to the "
        "outreach list (the workbook lists them by household number)."
    )
    return bytes(doc.output())


def write_files(result: SimulationResult, out_dir: Path) -> tuple[Path, Path]:
    """``simulation-<date>-<hash12>.xlsx`` and ``.pdf`` in ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"simulation-{result.run_date}-{result.stamp.reform_hash[:12]}"
    xlsx = write_xlsx(result, out_dir / f"{stem}.xlsx")
    pdf = out_dir / f"{stem}.pdf"
    pdf.write_bytes(summary_pdf(result))
    return xlsx, pdf


__all__ = ["summary_pdf", "write_files", "write_xlsx"]
