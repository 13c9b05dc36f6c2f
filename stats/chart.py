"""A chart: its title, text alternative, data table and CSV file; drawn by `stats.drawing`."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field


@dataclass
class Chart:
    """One chart and the table it is drawn from. The first column names the categories; the
    columns listed in `plotted` are drawn as bars (stacked when there are several)."""

    name: str  # file stem: <page>/<name>.svg and <page>/<name>.csv
    title: str
    columns: list[str]
    rows: list[list]
    plotted: list[int] = field(default_factory=lambda: [1])
    horizontal: bool = True
    unit: str = "份"
    note: str = ""
    width: int = 720  # CSS pixels, set once the SVG is drawn
    height: int = 360

    @property
    def svg_name(self) -> str:
        return f"{self.name}.svg"

    @property
    def csv_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def categories(self) -> list[str]:
        return [str(r[0]) for r in self.rows]

    def series(self) -> list[tuple[str, list[float]]]:
        return [(self.columns[i], [float(r[i] or 0) for r in self.rows]) for i in self.plotted]

    @property
    def alt(self) -> str:
        """A text alternative: what is drawn and its largest values; the table has the rest."""
        if not self.rows:
            return f"{self.title}：暂无数据。"
        totals = [sum(float(r[i] or 0) for i in self.plotted) for r in self.rows]
        top = max(range(len(totals)), key=lambda i: (totals[i], -i))
        return (f"{self.title}（条形图）：共 {len(self.rows)} 项，最多的是“{self.categories[top]}”，"
                f"{_num(totals[top])}{self.unit}；各项数值见图下的数据表。")

    def csv_bytes(self) -> bytes:
        """The table as CSV, UTF-8 with a byte-order mark so that Excel reads the Chinese."""
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows([["" if v is None else v for v in row] for row in self.rows])
        return "\ufeff".encode("utf-8") + buf.getvalue().encode("utf-8")


def _num(value: float) -> str:
    return str(int(value)) if float(value) == int(value) else f"{value:.2f}"
