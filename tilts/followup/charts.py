"""Bar charts drawn on the server as SVG: the geometry here, the markup in ``followup/_bar_chart.html``.

Every bar carries its label and value as text and a hatched fill, so nothing depends on colour; each chart
has a title and a description for screen readers and a table with the same numbers beside it.
"""

from dataclasses import dataclass

ROW = 30
BAR = 20
TOP = 8
VALUE_SPACE = 56


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR - 4


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int = BAR

    def value_x(self, bar: Bar) -> float:
        return self.label_width + bar.width + 6

    @property
    def placed(self) -> list[tuple[Bar, float]]:
        """Each bar with the x of its value label."""
        return [(bar, self.value_x(bar)) for bar in self.bars]


def horizontal_bars(
    chart_id: str, title: str, rows: list[tuple[str, int]], *, width: int = 480, label_width: int = 90
) -> BarChart:
    """One bar per (label, value), longest for the largest value; the description lists every value."""
    largest = max((value for _label, value in rows), default=0)
    room = width - label_width - VALUE_SPACE
    bars = [
        Bar(label, value, TOP + index * ROW, round(room * value / largest, 1) if largest else 0.0)
        for index, (label, value) in enumerate(rows)
    ]
    description = "; ".join(f"{label}: {value}" for label, value in rows)
    return BarChart(chart_id, title, description, bars, width, TOP * 2 + ROW * max(len(rows), 1), label_width)
