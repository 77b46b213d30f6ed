"""Server-rendered SVG bar charts and small-cell suppression, the same on web pages and in PDF reports.

Pure functions on plain numbers: no database, no request. Every chart carries a ``<title>`` and a ``<desc>``
(its text alternative; WeasyPrint copies the title into the PDF figure's /Alt) and the same numbers as a table,
because a chart alone is not accessible (WCAG 2.1 SC 1.1.1, and SC 1.4.1: values are written, not only drawn).
The SVG uses presentation attributes, not ``style=``, so the web pages' Content-Security-Policy allows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from pb import i18n

# Statistics practice for published tables about people: a count under 5 could identify someone
# (e.g. the only two voters of an age band in a small district), so it is shown as "<5".
SMALL_CELL_THRESHOLD = 5

# Geometry in SVG user units (1 unit = 1 CSS px); the chart scales to its container's width.
WIDTH = 640
LABEL_WIDTH = 220
VALUE_SPACE = 70
ROW_HEIGHT = 26
BAR_HEIGHT = 16
FONT_SIZE = 12
# DejaVu Sans at 12 px averages about 7 px per character; longer labels are shortened in the drawing only
# (the table next to the chart has them in full).
LABEL_CHARACTERS = 30
INK = "#1b1f24"
BAR = "#00417a"  # contrast 10.4:1 on white (WCAG 2.1 SC 1.4.11 asks 3:1 for graphics)


@dataclass(frozen=True)
class Count:
    """A count as published: its true value, and whether it must be shown only as "<5"."""

    value: int
    suppressed: bool = False
    threshold: int = SMALL_CELL_THRESHOLD

    def display(self, language: str) -> str:
        return f"<{self.threshold}" if self.suppressed else i18n.format_number(self.value, language)


def suppress_small_counts(
    counts: Sequence[int], threshold: int = SMALL_CELL_THRESHOLD, *, total_shown: bool = True
) -> list[Count]:
    """Counts of one breakdown, with those under ``threshold`` suppressed.

    When the breakdown's total is published and only one cell is suppressed, that cell could be recovered by
    subtraction, so the smallest other non-zero cell is suppressed too (complementary suppression, as in
    Statistics Finland's and Eurostat's guidance on statistical disclosure control).
    """
    result = [Count(value, value < threshold, threshold) for value in counts]
    suppressed = [index for index, count in enumerate(result) if count.suppressed]
    if total_shown and len(suppressed) == 1:
        others = [index for index, count in enumerate(result) if not count.suppressed]
        if others:
            smallest = min(others, key=lambda index: result[index].value)
            result[smallest] = Count(result[smallest].value, True, threshold)
    return result


@dataclass(frozen=True)
class DataTable:
    """The numbers behind a chart, already formatted for display, as a caption, two column heads and rows."""

    caption: str
    label_heading: str
    value_heading: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    description: str
    svg: Markup
    table: DataTable


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, int | Count]],
    *,
    language: str,
    label_heading: str,
    value_heading: str,
    description: str | None = None,
    format_value: Callable[[int], str] | None = None,
) -> BarChart:
    """A horizontal bar chart with a value label on each bar, and the same numbers as a table.

    ``chart_id`` must be unique on the page (it names the title and description for ``aria-labelledby``).
    A ``Count`` that is suppressed gets no bar and the label "<5"; plain integers are drawn as they are.
    """
    counts = [(label, value if isinstance(value, Count) else Count(value)) for label, value in bars]

    def shown(count: Count) -> str:
        if count.suppressed or format_value is None:
            return count.display(language)
        return format_value(count.value)

    labels = [(label, shown(count)) for label, count in counts]
    if description is None:
        description = "; ".join(f"{label}: {value}" for label, value in labels)
    largest = max((count.value for _, count in counts if not count.suppressed), default=0)
    bar_space = WIDTH - LABEL_WIDTH - VALUE_SPACE
    height = max(len(counts), 1) * ROW_HEIGHT + 4
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" id="{escape(chart_id)}" role="img"'
        f' viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"'
        f' aria-labelledby="{escape(title_id)} {escape(desc_id)}"'
        f' font-family="DejaVu Sans, sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    for row, ((label, count), (_, value_text)) in enumerate(zip(counts, labels, strict=True)):
        top = row * ROW_HEIGHT + 2
        baseline = top + ROW_HEIGHT / 2 + FONT_SIZE * 0.35
        short = label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"
        length = 0.0 if count.suppressed or largest == 0 else bar_space * count.value / largest
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{baseline:.1f}" text-anchor="end" fill="{INK}">{escape(short)}</text>'
        )
        if length > 0:
            bar_top = top + (ROW_HEIGHT - BAR_HEIGHT) / 2
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_top:.1f}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{baseline:.1f}" fill="{INK}">{escape(value_text)}</text>'
        )
    parts.append("</svg>")
    table = DataTable(caption=title, label_heading=label_heading, value_heading=value_heading, rows=tuple(labels))
    return BarChart(chart_id, title, description, Markup("".join(parts)), table)
