"""Landing reads a delivered file a bounded block at a time: any block size gives the same
landing (rows, values, line numbers, checksums) as reading the file whole."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from connectors import FileConnector
from connectors.blocks import BlockReader, first_record_end, last_record_end
from hedui.delivery import delivery_dir, write_delivery
from hedui.landing import land_source, read_landed
from hedui.registry import get_source
from tests.test_landing import frame

DAY = date(2026, 11, 27)
WHOLE = 1 << 30


def land_with(inbox: Path, root: Path, source: str, **sizes: int) -> tuple[pl.DataFrame, dict]:
    result = land_source(source, DAY, FileConnector(inbox, **sizes), root)
    assert result.status == "landed", result.error
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    return pl.from_arrow(read_landed(root, source, DAY)), manifest


def deliver_text(inbox: Path, source: str, name: str, data: bytes) -> Path:
    folder = delivery_dir(inbox, source, DAY)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    (folder / "_SUCCESS").write_bytes(b"")
    return folder / name


def test_record_ends_respect_quoted_newlines() -> None:
    assert last_record_end(b'a,b\n1,"x\ny"\n2,"z\n', quoted=True) == 11
    assert last_record_end(b'a,"he said ""hi""\nthere"\n3', quoted=True) == 24
    assert last_record_end(b'1,"open\nstill open', quoted=True) == -1
    assert last_record_end(b'{"a": 1}\n{"a"', quoted=False) == 8
    assert first_record_end(b'"multi\nline header",b\n1,2\n') == 21
    assert first_record_end(b"no newline") == -1


def test_blocks_cover_the_file_and_count_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    data = b'h1,h2\n1,"a\nb"\n2,c\n\n3,d'
    path.write_bytes(data)
    reader = BlockReader(path, block_bytes=4)
    blocks = list(reader)
    assert b"".join(b.data for b in blocks) == data
    assert len(blocks) > 3
    for block in blocks:
        assert block.offset == data.index(block.data, block.offset)
        assert block.first_line == 1 + data.count(b"\n", 0, block.offset)
        assert block.data.count(b'"') % 2 == 0  # a quoted field is never cut
    assert blocks[1].data.startswith(b'1,"a\nb"\n')
    assert reader.digest.sha256 == hashlib.sha256(data).hexdigest()
    assert reader.digest.bytes == len(data)


@pytest.mark.parametrize("block_bytes", [16, 101, 4096])
def test_gbk_csv_with_quotes_and_blank_lines_lands_alike_in_any_block_size(
    tmp_path: Path, block_bytes: int
) -> None:
    """Chinese headers, GBK, quoted newlines, doubled quotes, blank lines, CRLF, no final
    newline: small blocks land exactly what one whole read lands."""
    src = get_source("vehicle")
    df = frame("vehicle", 40)
    df[3, "plate_no"] = '津A"引号"\n第二行'
    df[17, "plate_no"] = "跨\n三\n行"
    text = df.rename(dict(zip(src.column_names, src.header_names, strict=True))).write_csv()
    lines = text.split("\n")
    lines.insert(9, "")
    lines.insert(30, "")
    data = "\r\n".join(lines).rstrip("\r\n").encode("gbk")
    deliver_text(tmp_path / "in", "vehicle", "vehicle.csv", data)

    whole, whole_manifest = land_with(tmp_path / "in", tmp_path / "whole", "vehicle")
    blocks, manifest = land_with(
        tmp_path / "in", tmp_path / "blocks", "vehicle", block_bytes=block_bytes
    )
    assert whole.height == 40 and blocks.equals(whole)
    assert blocks["plate_no"][3] == '津A"引号"\r\n第二行'
    assert manifest["inputs"] == whole_manifest["inputs"]
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["header_map"]["号牌号码"] == "plate_no"


def test_utf8_bom_and_several_files_land_alike_in_small_blocks(tmp_path: Path) -> None:
    src = get_source("deposit")
    banks = {"bank_a": frame("deposit", 25), "bank_b": frame("deposit", 9, offset=50)}
    write_delivery(tmp_path / "in", src, DAY, banks)
    write_delivery(
        tmp_path / "in2", get_source("real_estate"), DAY, {"r": frame("real_estate")}, bom=True
    )
    for inbox, name in ((tmp_path / "in", "deposit"), (tmp_path / "in2", "real_estate")):
        whole, whole_manifest = land_with(inbox, tmp_path / "w" / name, name)
        blocks, manifest = land_with(inbox, tmp_path / "b" / name, name, block_bytes=64)
        assert blocks.equals(whole)
        assert manifest["inputs"] == whole_manifest["inputs"]


def test_jsonl_lands_alike_in_small_blocks(tmp_path: Path) -> None:
    folder = write_delivery(tmp_path / "in", get_source("tax"), DAY, {"tax": frame("tax", 30)})
    path = folder / "tax.jsonl"
    lines = path.read_text("utf-8").splitlines()
    lines[5:5] = ["", "  "]
    path.write_text("\n".join(lines), "utf-8")  # no final newline
    whole, _ = land_with(tmp_path / "in", tmp_path / "whole", "tax")
    blocks, manifest = land_with(tmp_path / "in", tmp_path / "blocks", "tax", block_bytes=50)
    assert whole.height == 30 and blocks.equals(whole)
    assert blocks["_line"].to_list()[4:7] == [5, 8, 9]
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_parquet_lands_alike_in_small_batches(tmp_path: Path) -> None:
    write_delivery(tmp_path / "in", get_source("hukou"), DAY, {"hukou": frame("hukou", 30)})
    whole, whole_manifest = land_with(tmp_path / "in", tmp_path / "whole", "hukou")
    batches, manifest = land_with(tmp_path / "in", tmp_path / "b", "hukou", parquet_rows=7)
    assert whole.height == 30 and batches.equals(whole)
    assert batches["_line"].to_list() == list(range(1, 31))
    assert manifest["inputs"] == whole_manifest["inputs"]


def test_empty_parquet_and_jsonl_files_land_no_rows(tmp_path: Path) -> None:
    write_delivery(tmp_path / "in", get_source("hukou"), DAY, {"hukou": frame("hukou", 0)})
    deliver_text(tmp_path / "in", "tax", "tax.jsonl", b"")
    for source in ("hukou", "tax"):
        landed, manifest = land_with(tmp_path / "in", tmp_path / "land", source, block_bytes=8)
        assert landed.height == 0 and manifest["row_count"] == 0


def test_a_bad_byte_deep_in_the_file_is_named_at_its_file_offset(tmp_path: Path) -> None:
    text = frame("death", 200).write_csv().encode("utf-8")
    data = text[:3000] + b"\xff" + text[3000:]
    deliver_text(tmp_path / "in", "death", "death.csv", data)
    result = land_source(
        "death", DAY, FileConnector(tmp_path / "in", block_bytes=256), tmp_path / "l"
    )
    assert result.status == "failed"
    assert "death.csv: not valid UTF-8 at byte 3000" in result.error


def test_a_bad_json_line_in_a_later_block_is_named_by_its_line(tmp_path: Path) -> None:
    folder = write_delivery(tmp_path / "in", get_source("tax"), DAY, {"tax": frame("tax", 40)})
    path = folder / "tax.jsonl"
    lines = path.read_text("utf-8").splitlines()
    lines[33] = '{"id_number": "1", "period": '
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = land_source(
        "tax", DAY, FileConnector(tmp_path / "in", block_bytes=300), tmp_path / "l"
    )
    assert result.status == "failed" and "tax.jsonl: line 34 is not valid JSON" in result.error


def test_small_blocks_are_gathered_into_full_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hedui.landing.ROW_GROUP_ROWS", 100)
    write_delivery(tmp_path / "in", get_source("death"), DAY, {"death": frame("death", 350)})
    connector = FileConnector(tmp_path / "in", block_bytes=1024)  # ~20 rows a block
    result = land_source("death", DAY, connector, tmp_path / "l")
    metadata = pq.ParquetFile(result.path / "data.parquet").metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sum(sizes) == 350 and all(size == 100 for size in sizes[:-1]) and sizes[-1] == 50
