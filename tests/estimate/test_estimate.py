"""Hand-checked estimates: each test names the rule and its source, and works the figures by hand."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import carm
from carm import Excise, Line, Settings, Shipment
from carm.errors import (
    InvalidComponent,
    MissingQuantity,
    NotInEffect,
    ValidationErrors,
)
from carm.tariff import import_edition, load_schedule

D = Decimal
RELEASE = date(2026, 10, 15)


def shipment(*lines: Line, **kwargs: object) -> Shipment:
    options: dict[str, object] = {
        "importation": "commercial",
        "mode": "other",
        "province": "ON",
        "release_date": RELEASE,
        "exchange_rates": {"USD": D("1.3712")},
        **kwargs,
    }
    return Shipment(lines=list(lines), **options)  # type: ignore[arg-type]


def tshirts(value: str = "100.00", origin: str = "CN", **kwargs: object) -> Line:
    return Line(
        classification="6109.10.00.11",
        value=D(value),
        currency=str(kwargs.pop("currency", "CAD")),
        origin=origin,
        quantity=D("10"),
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_issue_example() -> None:
    # VFD 1200.00 USD x 1.3712 = 1645.44; MFN 18% = 296.1792 -> 296.18 (Customs Tariff 6109.10.00);
    # value for tax 1941.62; GST 5% = 97.081 -> 97.08 (ETA ss.212, 215); commercial goods: GST.
    est = carm.estimate(
        shipment(
            Line(
                classification="6109.10.00.11",
                value=D("1200.00"),
                currency="USD",
                origin="CN",
                quantity=D("100"),
                description="men's cotton T-shirts",
            ),
            mode="courier",
        )
    )
    line = est.lines[0]
    assert (line.treatment, line.treatment_code, line.duty_rate) == ("MFN", "02", "18%")
    assert est.value_for_duty == D("1645.44")
    assert est.customs_duty == D("296.18")
    assert est.surtax == est.sima == est.excise_duty == est.excise_tax == D("0.00")
    assert est.value_for_tax == D("1941.62")
    assert est.gst_hst == D("97.08")
    assert est.pst == D("0.00")
    assert est.total_taxes == D("97.08")
    assert est.total == D("393.26")
    text = est.explain()
    assert "1200.00 USD × 1.3712 = 1645.44" in text
    assert "18% of 1645.44 = 296.1792 → 296.18" in text
    assert "Customs Tariff T2026-2, 6109.10.00.11, MFN" in text
    assert "5% of 1941.62 = 97.08" in text


def test_the_best_treatment_and_proof_of_origin() -> None:
    # Goods of Mexico may claim MXT (Free) with proof of origin; without it, MFN 18%.
    free = carm.estimate(shipment(tshirts("100.00", origin="MX")))
    assert free.lines[0].treatment == "MXT"
    assert free.customs_duty == D("0.00")
    assert free.gst_hst == D("5.00")
    paid = carm.estimate(shipment(tshirts("100.00", origin="MX", proof_of_origin=False)))
    assert paid.lines[0].treatment == "MFN"
    assert paid.customs_duty == D("18.00")


def test_forced_treatment_and_rate_override() -> None:
    forced = carm.estimate(shipment(tshirts(origin="MX", treatment="CPTPT")))
    assert forced.lines[0].treatment == "CPTPT"
    with pytest.raises(ValidationErrors) as caught:
        carm.estimate(shipment(tshirts(origin="CN", treatment="UST")))
    error = caught.value.errors[0]
    assert isinstance(error, InvalidComponent)
    assert error.path == "lines[0].treatment"
    assert "treatment UST is not open to goods of CN" in str(error)
    # a ruling's rate: 4% of 1645.44 = 65.8176 -> 65.82
    ruled = carm.estimate(shipment(tshirts("1200.00", currency="USD", rate="4%")))
    assert ruled.customs_duty == D("65.82")
    assert ruled.lines[0].duty_rate == "4%"


def test_floor_rate_with_quantities() -> None:
    # 0406.10.20: 245.5% but not less than $4.52/kg; 100 kg at CAD 100: the floor, 452.00.
    cheese = Line(classification="0406.10.20.00", value=D("100"), origin="FR", quantity=D("100"))
    est = carm.estimate(shipment(cheese))
    assert est.lines[0].treatment == "MFN"  # CEUT has no rate on this over-access line
    assert est.customs_duty == D("452.00")
    assert est.gst_hst == D("27.60")  # 5% of 552.00
    assert "the minimum applies" in est.explain()


def test_a_missing_quantity_names_the_unit_and_the_line() -> None:
    cheese = Line(classification="0406.10.20.00", value=D("100"), origin="FR")
    with pytest.raises(ValidationErrors) as caught:
        carm.estimate(shipment(tshirts(), cheese))
    error = caught.value.errors[0]
    assert isinstance(error, MissingQuantity)
    assert error.path == "lines[1].quantities.KGM"


def test_china_surtax_on_electric_vehicles() -> None:
    # SOR/2024-187: 100% of VFD on goods of China of 8703.80.00; MFN 6.1% = 2440.00;
    # value for tax 40000 + 2440 + 40000 = 82440.00; GST 4122.00.
    car = Line(classification="8703.80.00.10", value=D("40000"), origin="CN", quantity=D("1"))
    est = carm.estimate(shipment(car))
    assert est.customs_duty == D("2440.00")
    assert est.surtax == D("40000.00")
    assert est.value_for_tax == D("82440.00")
    assert est.gst_hst == D("4122.00")
    assert "SOR/2024-187" in est.explain()
    # the same car from Japan pays no surtax
    japanese = carm.estimate(
        shipment(
            Line(classification="8703.80.00.10", value=D("40000"), origin="JP", quantity=D("1"))
        )
    )
    assert japanese.surtax == D("0.00")


def test_sima_amount_and_rate() -> None:
    assert carm.estimate(shipment(tshirts(sima=D("50")))).sima == D("50.00")
    # 12.5% of 1645.44 = 205.68
    est = carm.estimate(shipment(tshirts("1200.00", currency="USD", sima="12.5%")))
    assert est.sima == D("205.68")
    assert est.value_for_tax == D("1645.44") + D("296.18") + D("205.68")


def test_luxury_tax_on_a_vehicle() -> None:
    # Select Luxury Items Tax Act: lesser of 10% x 150000 = 15000 and 20% x (150000 - 100000) = 10000.
    car = Line(
        classification="8703.80.00.10", value=D("150000"), origin="JP", quantity=D("1"),
        excise=Excise("luxury-vehicle"),
    )  # fmt: skip
    est = carm.estimate(shipment(car))
    assert est.lines[0].treatment == "CPTPT"
    assert est.customs_duty == D("0.00")
    assert est.excise_tax == D("10000.00")
    assert est.value_for_tax == D("160000.00")
    assert est.gst_hst == D("8000.00")
    excluded = carm.estimate(shipment(car), settings=Settings(luxury_tax_in_value_for_tax=False))
    assert excluded.gst_hst == D("7500.00")


@pytest.mark.parametrize(
    ("fuel", "levy"), [("12.9", "0.00"), ("13", "1000.00"), ("14.2", "2000.00"), ("16", "4000.00")]
)
def test_green_levy(fuel: str, levy: str) -> None:
    # ETA Sch. I s.6: 13-14 L/100 km $1,000 ... 16 or more $4,000.
    car = Line(
        classification="8703.80.00.10", value=D("40000"), origin="US", quantity=D("1"),
        excise=Excise("fuel-inefficient-vehicle", fuel_consumption=fuel),
    )  # fmt: skip
    est = carm.estimate(shipment(car))
    assert est.excise_tax == D(levy)
    assert est.gst_hst == (D("40000") + D(levy)) * D("0.05")


def test_cigarettes_are_charged_per_five_or_fraction() -> None:
    # Excise Act 2001 Sch. 1: $0.92883 per 5 cigarettes or fraction of 5. 1 MIL = 1000 cigarettes:
    # 200 x 0.92883 = 185.766 -> 185.77; 1001 cigarettes: 201 x 0.92883 = 186.69483 -> 186.69.
    smokes = Line(
        classification="2402.20.00.00", value=D("100"), origin="CN", quantity=D("1"), excise="cigarettes"
    )  # fmt: skip
    est = carm.estimate(shipment(smokes))
    assert est.customs_duty == D("12.50")
    assert est.excise_duty == D("185.77")
    assert est.gst_hst == D("14.91")  # 5% of 298.27
    odd = Line(
        classification="2402.20.00.00", value=D("100"), origin="CN",
        quantities={"NMB": D("1001")}, excise="cigarettes",
    )  # fmt: skip
    assert carm.estimate(shipment(odd)).excise_duty == D("186.69")


def test_wine_needs_a_rate_in_force() -> None:
    wine = Line(
        classification="2204.21.10.92", value=D("120"), origin="FR", quantity=D("9"),
        alcohol=D("13"), excise="wine",
    )  # fmt: skip
    with pytest.raises(ValidationErrors) as caught:
        carm.estimate(shipment(wine))
    error = caught.value.errors[0]
    assert isinstance(error, NotInEffect)
    assert error.path == "lines[0].excise"
    assert "no bundled wine excise rate for 2026-10-15" in str(error)
    assert "excise=Excise('wine', rate='...')" in str(error)
    # with the rate the caller knows: 9 L x $0.730 = 6.57; CEUT Free; GST 5% of 126.57 = 6.33
    priced = Line(
        classification="2204.21.10.92", value=D("120"), origin="FR", quantity=D("9"),
        alcohol=D("13"), excise=Excise("wine", rate="$0.730/litre"),
    )  # fmt: skip
    est = carm.estimate(shipment(priced))
    assert est.excise_duty == D("6.57")
    assert est.gst_hst == D("6.33")


def test_spirits_from_the_bundled_table(tmp_path: Path) -> None:
    # An edition in effect in 2023 (imported), so the 2023-04-01 spirits rates apply:
    # 10 L at 40% = 4 LPA; 4 x $13.303 = 53.212 -> 53.21; special duty 4 x $0.12 = 0.48.
    source = tmp_path / "01-99-2023-1-eng.csv"
    source.write_text(
        "TARIFF,EFF_DATE,DESC1,UOM,MFN,CEUT\n2208.30.00.20,2023-01-01,Scotch,LPA,Free,Free\n",
        encoding="utf-8",
    )
    import_edition(source)
    whisky = Line(
        classification="2208.30.00.20", value=D("300"), origin="GB",
        quantities={"LTR": D("10")}, alcohol=D("40"), excise="spirits",
    )  # fmt: skip
    est = carm.estimate(shipment(whisky, release_date=date(2023, 6, 1)))
    assert est.edition == "T2023-1"
    assert est.excise_duty == D("53.69")
    assert "$13.303/litre of absolute ethyl alcohol" in est.explain()
    assert load_schedule().edition == "T2026-2"


@pytest.mark.parametrize(
    ("province", "importation", "gst_hst", "pst"),
    [
        ("ON", "casual", "15.34", "0.00"),  # HST 13% of 118.00
        ("ON", "commercial", "5.90", "0.00"),  # commercial goods: GST 5%
        ("BC", "casual", "5.90", "8.26"),  # GST + PST 7%
        ("QC", "casual", "5.90", "11.77"),  # GST + QST 9.975% = 11.7705
        ("MB", "casual", "5.90", "8.26"),  # GST + RST 7%
        ("SK", "casual", "5.90", "7.08"),  # GST + PST 6%
        ("NS", "casual", "16.52", "0.00"),  # HST 14% from 2025-04-01
        ("AB", "casual", "5.90", "0.00"),
        ("BC", "commercial", "5.90", "0.00"),  # the CBSA collects PST on casual goods only
    ],
)
def test_taxes_by_province(province: str, importation: str, gst_hst: str, pst: str) -> None:
    est = carm.estimate(shipment(tshirts("100.00"), province=province, importation=importation))
    assert est.customs_duty == D("18.00")
    assert est.value_for_tax == D("118.00")
    assert (est.gst_hst, est.pst) == (D(gst_hst), D(pst))


def test_hst_on_commercial_goods_is_a_setting() -> None:
    est = carm.estimate(shipment(tshirts("100.00")), settings=Settings(hst_on_commercial=True))
    assert est.gst_hst == D("15.34")


def test_gst_relief_code() -> None:
    est = carm.estimate(shipment(tshirts("100.00", gst_exempt="71")))
    assert est.gst_hst == D("0.00")
    assert "relief code 71" in est.explain()


@pytest.mark.parametrize(
    ("mode", "shipped_from", "value", "duty", "taxes"),
    [
        # CIRO for CUSMA (CN 20-18): from the US or Mexico, up to 40 nothing, up to 150 taxes only
        ("courier", "US", "40.00", "0.00", "0.00"),
        ("courier", "US", "40.01", "0.00", "2.00"),
        ("courier", "MX", "150.00", "0.00", "7.50"),
        ("courier", "US", "150.01", "27.00", "8.85"),
        # from elsewhere: up to 20
        ("courier", "CN", "20.00", "0.00", "0.00"),
        ("courier", "CN", "20.01", "3.60", "1.18"),
        # PIRO (D8-2-2): up to 20 per mail item, any country
        ("postal", "US", "20.00", "0.00", "0.00"),
        ("postal", "US", "20.01", "3.60", "1.18"),
        # no low-value rule for other modes
        ("other", "US", "10.00", "1.80", "0.59"),
    ],
)
def test_low_value_rules(mode: str, shipped_from: str, value: str, duty: str, taxes: str) -> None:
    est = carm.estimate(shipment(tshirts(value), mode=mode, shipped_from=shipped_from))
    assert est.customs_duty == D(duty)
    assert est.total_taxes == D(taxes)


def test_low_value_rule_needs_the_place_of_shipment() -> None:
    with pytest.raises(InvalidComponent, match="depend on where the goods are shipped from"):
        carm.estimate(shipment(tshirts("100.00"), mode="courier"))
    # a line may say it; far above every threshold it does not matter
    assert carm.estimate(shipment(tshirts("100.00", shipped_from="US"), mode="courier")).total == D(
        "5.00"
    )
    assert carm.estimate(shipment(tshirts("1000.00"), mode="courier")).customs_duty == D("180.00")


def test_excise_goods_get_no_low_value_relief() -> None:
    smokes = Line(
        classification="2402.20.00.00", value=D("10"), origin="US", quantity=D("0.2"), excise="cigarettes"
    )  # fmt: skip
    est = carm.estimate(shipment(smokes, mode="courier", shipped_from="US"))
    assert est.excise_duty == D("37.15")  # 200 cigarettes: 40 x 0.92883 = 37.1532
    assert "goods the remission orders exclude" in est.low_value.note


def test_gift_by_mail_is_charged_on_the_excess_over_60() -> None:
    # 100.00 of T-shirts, gift by mail: charged on 40.00; duty 18% = 7.20; HST 13% of 47.20 = 6.136.
    est = carm.estimate(shipment(tshirts("100.00"), mode="postal", importation="casual", gift=True))
    assert est.value_for_duty == D("40.00")
    assert est.customs_duty == D("7.20")
    assert est.gst_hst == D("6.14")
    small = carm.estimate(
        shipment(tshirts("60.00"), mode="postal", importation="casual", gift=True)
    )
    assert small.total == D("0.00")


def test_every_problem_is_reported_at_once() -> None:
    bad = Shipment(
        lines=[
            Line(classification="7701.00.00", value=D("10"), origin="CN"),
            Line(classification="6109.10.00.11", value=10.5, origin="CN"),  # type: ignore[arg-type]
            Line(classification="6109.10.00.11", value=D("-1"), origin="ZZ", currency="EUR"),
            Line(classification="6109.10.00.11", value=D("10"), origin="CN", currency="EUR"),
        ],
        release_date=RELEASE,
        province="ZZ",
        importation="business",
    )
    with pytest.raises(ValidationErrors) as caught:
        carm.estimate(bad)
    assert caught.value.paths == (
        "importation",
        "province",
        "lines[1].value",
        "lines[2].value",
        "lines[2].origin",
        "lines[0].classification",
        "lines[3].exchange_rates.EUR",
    )


def test_results_render() -> None:
    est = carm.estimate(shipment(tshirts("1200.00", currency="USD")))
    data = est.to_dict()
    assert data["totals"]["total"] == "393.26"
    assert data["lines"][0]["exchange_rate"] == {
        "currency": "USD",
        "rate": "1.3712",
        "observed": None,
        "source": "rates given",
    }
    assert '"total": "393.26"' in est.to_json()
    html = est._repr_html_()
    assert "<table>" in html
    assert "393.26" in html
    table = est.table()
    assert "$1,645.44" in table
    assert "$393.26" in table
    assert "1\xa0645,44\xa0$" in est.table(locale="fr_CA")


def test_a_dated_exchange_rate_source() -> None:
    from carm.fx import BankOfCanadaCSV

    fx = BankOfCanadaCSV(Path(__file__).parents[1] / "fx" / "data" / "FXUSDCAD_2017-2021.csv")
    with pytest.raises(ValidationErrors) as caught:
        carm.estimate(shipment(tshirts("10", currency="USD"), exchange_rates=None, fx=fx))
    assert "has no USD rate for 2026-10-15" in str(caught.value.errors[0])


def test_mode_and_importation_are_read_as_checked() -> None:
    # " Courier" and "CASUAL" pass the check; the low-value rules and taxes must read them so.
    def shipment(mode: str, importation: str) -> Shipment:
        return Shipment(
            [Line("6109.10.00.11", Decimal("30"), "CN", quantity=Decimal(1))],
            date(2026, 10, 15), "ON", mode=mode, importation=importation, shipped_from="US",
        )  # fmt: skip

    odd = carm.estimate(shipment(" Courier", "CASUAL"))
    plain = carm.estimate(shipment("courier", "casual"))
    assert odd.lines == plain.lines
    assert odd.low_value == plain.low_value
    assert odd.low_value.rule == "courier"


def test_exchange_rates_changed_between_shipments_are_read_again() -> None:
    rates = {"USD": Decimal("1.30")}
    line = Line("6109.10.00.11", Decimal("100"), "CN", currency="USD", quantity=Decimal(1))
    first = carm.estimate(Shipment([line], date(2026, 10, 15), "ON", exchange_rates=rates))
    rates["USD"] = Decimal("1.40")  # the same mapping, changed: never a stale rate
    second = carm.estimate(Shipment([line], date(2026, 10, 15), "ON", exchange_rates=rates))
    assert (first.value_for_duty, second.value_for_duty) == (Decimal("130.00"), Decimal("140.00"))
    rates["USD"] = "-1"
    with pytest.raises(ValidationErrors) as caught:
        carm.estimate(Shipment([line], date(2026, 10, 15), "ON", exchange_rates=rates))
    assert "must be a positive rate" in str(caught.value.errors[0])
