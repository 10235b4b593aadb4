"""The readers of both layouts, and importing editions into the cache."""

import json
from datetime import date
from pathlib import Path

import pytest

from carm.errors import InvalidComponent, InvalidFormat, NotInEffect, ValidationErrors
from carm.tariff import available_editions, import_edition, load_schedule
from carm.tariff._readers import read_bundled, read_tphs, write_tphs

TPHS_HEADER = (
    'TARIFF,EFF_DATE,CHANGE,SUB_CHAP,FOOTNOTE,DESC1,DESC2,DESC3,UOM,MFN,"General Tariff",'
    "AUT,NZT,CCCT,LDCT,GPT,UST,MXT,CIAT,CT,CRT,IT,NT,SLT,PT,COLT,JT,PAT,HNT,KRT,CEUT,UAT,CPTPT,UKT,CPUKT"
)
FREE_FOR_ALL = ",".join(["Free"] * 23)


def tphs_row(tariff: str, desc: str, uom: str, mfn: str, gt: str = "35%", rest: str = "") -> str:
    preferential = rest or ",".join([""] * 23)
    return f'{tariff},01/01/27 00:00:00,,,,"{desc}",,,{uom},{mfn},{gt},{preferential}'


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tphs_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "01-99-2027-1-eng.csv",
        [
            TPHS_HEADER,
            tphs_row("6109.10.00.11", "T-shirts of cotton", "NMB", "17%", rest=FREE_FOR_ALL),
            tphs_row("6109.10.00.12", "Other T-shirts", "NMB", "17%", rest=FREE_FOR_ALL),
            tphs_row(
                "0406.10.20.00",
                "Fresh cheese, over access",
                "KGM",
                "245.5% but not less than $4.60/kg",
            ),
            tphs_row("2204.21.10", "Wine", "LTR", "1.87¢/litre"),
        ],
    )


def test_read_tphs(tphs_file: Path) -> None:
    rows = read_tphs(tphs_file.read_text().splitlines(keepends=True))
    assert [(r.tariff_item, r.suffix, r.unit) for r in rows] == [
        ("61091000", "11", "NMB"),
        ("61091000", "12", "NMB"),
        ("04061020", "00", "KGM"),
        ("22042110", "", "LTR"),
    ]
    assert dict(rows[0].rate_texts)["MFN"] == "17%"
    assert dict(rows[0].rate_texts)["GT"] == "35%"
    assert dict(rows[0].rate_texts)["UST"] == "Free"
    assert "UST" not in dict(rows[2].rate_texts)
    assert rows[0].effective == date(2027, 1, 1)


def test_read_bundled_layout() -> None:
    lines = [
        "tariff_item,statistical_suffix,description,unit,mfn_tariff,preferential_tariffs",
        '6109.10.00,11,"T-shirts",NMB,18%,"UST, MXT: Free GPT 5%, CPUKT N/A"',
        "9503.00.90,,Toys,-,Free,",
    ]
    rows = read_bundled(lines)
    assert dict(rows[0].rate_texts) == {
        "MFN": "18%",
        "UST": "Free",
        "MXT": "Free",
        "GPT": "5%",
        "CPUKT": "N/A",
    }
    assert rows[1].unit is None
    assert rows[1].suffix == ""


def test_every_row_error_is_reported_and_nothing_is_read() -> None:
    lines = [
        "tariff_item,statistical_suffix,description,unit,mfn_tariff,preferential_tariffs",
        "6109.10.0,11,Bad code,NMB,18%,",
        "6109.10.00,1,Bad suffix,NMB,18%,",
        "6109.10.00,12,Bad unit,BUSHEL,18%,",
        "6109.10.00,13,Bad rate,NMB,18 percent,",
        "6109.10.00,14,Bad preference,NMB,18%,UST: sometimes",
        "6109.10.00,15,Fine,NMB,18%,UST: Free",
    ]
    with pytest.raises(ValidationErrors) as caught:
        read_bundled(lines)
    assert caught.value.paths == (
        "line 2.tariff_item",
        "line 3.statistical_suffix",
        "line 4.unit",
        "line 5.rate",
        "line 6.preferential_tariffs",
    )


def test_unknown_layout_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "T2027-1.csv", ["code,rate", "6109.10.00,18%"])
    with pytest.raises(InvalidFormat, match="not a tariff layout carm reads"):
        import_edition(path, edition="T2027-1", effective=date(2027, 1, 1))


def test_write_tphs_round_trips(tphs_file: Path) -> None:
    rows = read_tphs(tphs_file.read_text().splitlines(keepends=True))
    again = read_tphs(write_tphs(rows).splitlines(keepends=True))
    assert [(r.tariff_item, r.suffix, r.unit, r.rate_texts) for r in again] == [
        (r.tariff_item, r.suffix, r.unit, r.rate_texts) for r in rows
    ]


def test_import_then_load_by_date(tphs_file: Path, isolated_cache: Path) -> None:
    edition = import_edition(tphs_file)
    assert edition.name == "T2027-1"
    assert edition.effective == date(2027, 1, 1)  # the newest EFF_DATE in the file
    assert [e.name for e in available_editions()] == ["T2026-2", "T2027-1"]
    index = json.loads((isolated_cache / "tariff" / "index.json").read_text())
    assert index == [
        {
            "name": "T2027-1",
            "effective": "2027-01-01",
            "file": "T2027-1.csv",
            "source": "01-99-2027-1-eng.csv",
        }
    ]
    newest = load_schedule()
    assert newest.edition == "T2027-1"
    assert newest.lookup("6109.10.00.11").rate("MFN").text == "17%"
    assert newest.lookup("6109.10.00.11").rate("GT").text == "35%"
    # before the new edition's date, the bundled one is still the one in effect
    assert load_schedule(as_of=date(2026, 12, 31)).edition == "T2026-2"
    assert load_schedule(as_of=date(2027, 1, 1)).edition == "T2027-1"


def test_reimport_replaces_the_edition(tphs_file: Path, tmp_path: Path) -> None:
    import_edition(tphs_file)
    changed = write(
        tmp_path / "01-99-2027-1-eng.csv",
        [TPHS_HEADER, tphs_row("6109.10.00.11", "T-shirts of cotton", "NMB", "16%")],
    )
    import_edition(changed)
    assert [e.name for e in available_editions()] == ["T2026-2", "T2027-1"]
    assert load_schedule().lookup("6109.10.00.11").rate("MFN").text == "16%"


def test_a_bad_file_stores_nothing(tmp_path: Path, isolated_cache: Path) -> None:
    bad = write(
        tmp_path / "01-99-2027-1-eng.csv",
        [TPHS_HEADER, tphs_row("6109.10.00.11", "T-shirts", "NMB", "lots")],
    )
    with pytest.raises(ValidationErrors) as caught:
        import_edition(bad)
    assert caught.value.paths == ("line 2.MFN.rate",)
    assert not (isolated_cache / "tariff").exists()
    assert [e.name for e in available_editions()] == ["T2026-2"]


def test_edition_name_and_date_must_be_known(tmp_path: Path) -> None:
    path = write(
        tmp_path / "tariff.csv", [TPHS_HEADER, tphs_row("6109.10.00.11", "T", "NMB", "1%")]
    )
    with pytest.raises(InvalidComponent, match="cannot tell the edition from the file name"):
        import_edition(path)
    with pytest.raises(InvalidFormat) as caught:
        import_edition(path, edition="2027")
    assert caught.value.path == "edition"
    bundled_layout = write(
        tmp_path / "mine.csv",
        [
            "tariff_item,statistical_suffix,description,unit,mfn_tariff,preferential_tariffs",
            "6109.10.00,11,T,NMB,18%,",
        ],
    )
    with pytest.raises(InvalidComponent, match="no EFF_DATE"):
        import_edition(bundled_layout, edition="T2027-1")
    stored = import_edition(bundled_layout, edition="T2027-1", effective=date(2027, 2, 1))
    assert stored.effective == date(2027, 2, 1)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidComponent, match="cannot read the file"):
        import_edition(tmp_path / "nope.csv", edition="T2027-1")


def test_no_edition_before_the_first() -> None:
    with pytest.raises(NotInEffect) as caught:
        load_schedule(as_of=date(2020, 1, 1))
    assert "carm tariff import" in str(caught.value)
