"""Word clouds from lemma frequencies (stop words and markup already left out)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib and wordcloud are imported when a cloud is drawn
    import pandas as pd
    from matplotlib.figure import Figure


def wordcloud_figure(frequencies: pd.DataFrame, *, title: str = "", max_words: int = 80,
                     color: str = "viridis") -> Figure:
    """A figure of the cloud of `frequencies` (columns lemma, count)."""
    import matplotlib.pyplot as plt
    from wordcloud import WordCloud

    counts = dict(zip(frequencies["lemma"], frequencies["count"], strict=True))
    figure, axis = plt.subplots(figsize=(8, 4.5), dpi=120)
    axis.axis("off")
    if counts:
        cloud = WordCloud(width=960, height=540, background_color="white", colormap=color,
                          max_words=max_words, prefer_horizontal=0.9, random_state=7,
                          collocations=False).generate_from_frequencies(counts)
        axis.imshow(cloud, interpolation="bilinear")
    else:
        axis.text(0.5, 0.5, "Aucun mot à afficher", ha="center", va="center", fontsize=14)
    if title:
        axis.set_title(title, fontsize=13)
    figure.tight_layout()
    return figure


def save_wordcloud(frequencies: pd.DataFrame, path: str | Path, *, title: str = "",
                   max_words: int = 80) -> Path:
    """Draw and save a word cloud as PNG; returns the path."""
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure = wordcloud_figure(frequencies, title=title, max_words=max_words)
    figure.savefig(path, format="png")
    plt.close(figure)
    return path
