"""Actor network: who is mentioned with whom, from the codebook's actors branch or entities.

An actor is a code of the actors branch (OSIM, État, bailleurs…) or a named
entity (an organisation, a person, a place). Two actors are linked when they
are mentioned in the same unit (a turn, by default, or a document); an edge's
weight is the number of such units.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import combinations
from typing import TYPE_CHECKING

import pandas as pd

from workbench.analysis.codes import code_labels, roll_up, select_codes, unit_keys
from workbench.errors import WorkbenchError

if TYPE_CHECKING:  # networkx is imported when a graph is built
    import networkx as nx

EDGE_COLUMNS = ["source", "target", "weight"]


def mention_units(frame: pd.DataFrame, actor: str, *, scope: str = "turn") -> pd.DataFrame:
    """Columns unit, actor: which actor is mentioned in which turn or document."""
    out = pd.DataFrame({"unit": unit_keys(frame, scope), "actor": frame[actor]}).dropna()
    return out.drop_duplicates().reset_index(drop=True)


def actor_edges(units: pd.DataFrame) -> pd.DataFrame:
    """Weighted edges between actors sharing units (weight: number of shared units)."""
    counts: dict[tuple[str, str], int] = {}
    for _, actors in units.groupby("unit")["actor"]:
        for a, b in combinations(sorted(set(actors)), 2):
            counts[(a, b)] = counts.get((a, b), 0) + 1
    edges = pd.DataFrame([(a, b, n) for (a, b), n in counts.items()], columns=EDGE_COLUMNS)
    edges = edges.sort_values(["weight", "source", "target"], ascending=[False, True, True])
    edges = edges.reset_index(drop=True)
    edges.attrs["unit"] = "shared units"
    return edges


def code_actor_units(extracts: pd.DataFrame, codes: pd.DataFrame, *,
                     branch: str = "acteurs", scope: str = "turn") -> pd.DataFrame:
    """Mentions of the actors coded under `branch` (each code named by its name)."""
    keys = select_codes(codes, branch=branch)
    if not keys:
        raise WorkbenchError(f"la grille n'a aucun code sous « {branch} ».")
    frame = roll_up(extracts, codes)
    frame = frame[frame["tally"].isin(keys)]
    frame = frame.assign(actor=frame["tally"].map(code_labels(codes)))
    return mention_units(frame, "actor", scope=scope)


def entity_actor_units(entities: pd.DataFrame, *, types: tuple[str, ...] = ("organisation",),
                       min_mentions: int = 2, scope: str = "turn") -> pd.DataFrame:
    """Mentions of named entities of `types` (from ``Project.entities()``), keeping those
    mentioned at least `min_mentions` times (one-off entities are mostly noise)."""
    inside = entities["idx"].notna() if "idx" in entities.columns else True
    frame = entities[entities["type"].isin(types) & inside].copy()  # not speaker labels
    frame["actor"] = frame["text"].str.strip()
    counts = frame["actor"].value_counts()
    frame = frame[frame["actor"].map(counts) >= min_mentions]
    return mention_units(frame, "actor", scope=scope)


def actor_graph(units: pd.DataFrame) -> nx.Graph[Hashable]:
    """The network: nodes are actors (attribute `mentions`: units mentioning them),
    edges carry `weight`."""
    import networkx as nx

    graph: nx.Graph[Hashable] = nx.Graph()
    for actor, count in units.groupby("actor")["unit"].nunique().items():
        graph.add_node(actor, mentions=int(count))
    edges = actor_edges(units)
    for source, target, weight in zip(edges["source"], edges["target"], edges["weight"],
                                      strict=True):
        graph.add_edge(source, target, weight=int(weight))
    return graph


def actor_table(graph: nx.Graph) -> pd.DataFrame:
    """One row per actor: mentions, links (degree), weighted links and betweenness."""
    import networkx as nx

    betweenness = nx.betweenness_centrality(graph, weight=None) if len(graph) else {}
    rows = [(node, data.get("mentions", 0), graph.degree(node),
             graph.degree(node, weight="weight"), round(betweenness.get(node, 0.0), 3))
            for node, data in graph.nodes(data=True)]
    out = pd.DataFrame(rows, columns=["actor", "mentions", "links", "weighted_links",
                                      "betweenness"])
    return out.sort_values(["mentions", "actor"], ascending=[False, True]).reset_index(drop=True)
