"""Bar charts as SVG with a text alternative and a table, and small-cell suppression."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pb import i18n
from pb.reports.charts import LABEL_CHARACTERS, Count, bar_chart, suppress_small_counts

SVG = "{http://www.w3.org/2000/svg}"


def test_counts_under_five_are_shown_as_less_than_five() -> None:
    counts = suppress_small_counts([0, 4, 5, 1200, 3], total_shown=False)
    assert [count.display("fi") for count in counts] == ["<5", "<5", "5", "1\xa0200", "<5"]
    assert [count.value for count in counts] == [0, 4, 5, 1200, 3]


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it_when_the_total_is_shown() -> None:
    # Otherwise total − the others = the hidden count.
    counts = suppress_small_counts([40, 2, 9, 300])
    assert [count.suppressed for count in counts] == [False, True, True, False]
    assert [count.suppressed for count in suppress_small_counts([40, 2, 9, 300], total_shown=False)] == [
        False,
        True,
        False,
        False,
    ]


def test_two_suppressed_cells_need_no_complementary_suppression() -> None:
    assert [count.suppressed for count in suppress_small_counts([40, 2, 3, 300])] == [False, True, True, False]


def test_a_chart_has_a_title_and_description_and_names_them_for_screen_readers() -> None:
    chart = bar_chart(
        "by-age",
        "Äänestäjät ikäryhmittäin",
        [("16–17", 12), ("18–29", 340)],
        language="fi",
        label_heading="Ikäryhmä",
        value_heading="Äänestäjiä",
    )
    root = ET.fromstring(str(chart.svg))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "by-age-title by-age-desc"
    assert root.find(f"{SVG}title").text == "Äänestäjät ikäryhmittäin"
    assert root.find(f"{SVG}desc").text == "16–17: 12; 18–29: 340"
    assert root.find(f"{SVG}title").get("id") == "by-age-title"
    assert "style=" not in str(chart.svg)  # the web pages' CSP forbids inline styles


def test_bars_are_proportional_and_every_bar_has_its_value_written_next_to_it() -> None:
    chart = bar_chart("c", "T", [("A", 50), ("B", 100), ("C", 0)], language="en", label_heading="L", value_heading="V")
    root = ET.fromstring(str(chart.svg))
    widths = [float(rect.get("width", "0")) for rect in root.iter(f"{SVG}rect")]
    assert len(widths) == 2 and widths[1] == 2 * widths[0]
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts == ["A", "50", "B", "100", "C", "0"]


def test_a_suppressed_count_gets_no_bar_and_the_table_says_less_than_five() -> None:
    counts = suppress_small_counts([3, 80, 20])
    chart = bar_chart(
        "c", "T", list(zip("XYZ", counts, strict=True)), language="sv", label_heading="L", value_heading="V"
    )
    root = ET.fromstring(str(chart.svg))
    assert len(list(root.iter(f"{SVG}rect"))) == 1  # X and its complement Z are hidden
    assert chart.table.rows == (("X", "<5"), ("Y", "80"), ("Z", "<5"))
    assert "<5" not in chart.svg and "&lt;5" in chart.svg


def test_labels_are_escaped_and_long_ones_are_shortened_in_the_drawing_only() -> None:
    long_label = "Leikkipuisto <Pöllölä> & kuntoportaat " * 3
    chart = bar_chart("c", "T & <b>", [(long_label, 7)], language="fi", label_heading="L", value_heading="V")
    root = ET.fromstring(str(chart.svg))  # parses: nothing from the labels leaks in as markup
    drawn = next(root.iter(f"{SVG}text")).text or ""
    assert drawn.endswith("…") and len(drawn) == LABEL_CHARACTERS
    assert chart.table.rows[0][0] == long_label
    assert root.find(f"{SVG}title").text == "T & <b>"


def test_values_can_be_formatted_as_money_while_suppressed_counts_stay_hidden() -> None:
    chart = bar_chart(
        "c",
        "T",
        [("A", 150_000), ("B", Count(2, suppressed=True))],
        language="fi",
        label_heading="L",
        value_heading="V",
        format_value=lambda cents: i18n.format_euros(cents, "fi"),
    )
    assert chart.table.rows == (("A", "1\xa0500,00\xa0€"), ("B", "<5"))
