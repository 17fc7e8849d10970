"""The /stats chart: questions per day, answered and unanswered stacked, as a PNG image."""

from __future__ import annotations

import io

from bot.insights.statistics import Stats


def stats_chart_png(stats: Stats) -> bytes:
    """``stats`` per day as a stacked bar chart (PNG)."""
    # The object-oriented API with the Agg canvas, not pyplot: no global figure state,
    # no backend selection, never a display, safe to call from a worker thread.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(stats.per_day)))
    answered = [d.answered for d in stats.per_day]
    unanswered = [d.unanswered for d in stats.per_day]
    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar(positions, answered, color="#2e7d32", label="answered")
    axes.bar(positions, unanswered, bottom=answered, color="#c62828", label="not answered")
    axes.set_title(f"Questions per day, last {stats.days} days (UTC)")
    axes.set_ylabel("questions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left")
    step = max(1, len(positions) // 10)  # about ten date labels, however long the window
    ticks = positions[::-step][::-1]  # counted back from today, so today has a label
    axes.set_xticks(ticks)
    axes.set_xticklabels([stats.per_day[i].day.strftime("%d %b") for i in ticks])
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
