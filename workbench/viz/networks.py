"""The actor network drawn: node size by mentions, edge width by shared units."""

from __future__ import annotations

import networkx as nx
from matplotlib.figure import Figure

from workbench.viz.figures import PALETTE, new_figure, wrap


def network_figure(graph: nx.Graph, *, title: str = "Réseau d'acteurs",
                   seed: int = 7) -> Figure:
    """Draw `graph` (from ``actor_graph``) with a fixed layout seed, so reruns look alike."""
    figure, axis = new_figure(8, 6)
    axis.axis("off")
    if not len(graph):
        axis.text(0.5, 0.5, "Aucun acteur mentionné", ha="center", transform=axis.transAxes)
        return figure
    isolated = [n for n in graph if graph.degree(n) == 0]
    if len(isolated) < len(graph):  # alone, they would push the network into a corner
        graph = graph.subgraph([n for n in graph if n not in isolated])
        title += f" — {len(isolated)} acteur(s) sans lien non représenté(s)" if isolated else ""
    positions = nx.spring_layout(graph, seed=seed, weight="weight", k=2.5 / len(graph) ** 0.5)
    mentions = [graph.nodes[n].get("mentions", 1) for n in graph]
    biggest = max(mentions) or 1
    sizes = [150 + 1400 * m / biggest for m in mentions]
    weights = [graph.edges[e].get("weight", 1) for e in graph.edges]
    heaviest = max(weights, default=1)
    nx.draw_networkx_edges(graph, positions, ax=axis, width=[0.5 + 4 * w / heaviest
                                                            for w in weights],
                           edge_color="#9aa5ad", alpha=0.8)
    nx.draw_networkx_nodes(graph, positions, ax=axis, node_size=sizes, node_color=PALETTE[0],
                           alpha=0.85)
    nx.draw_networkx_labels(graph, positions, ax=axis, font_size=8,
                            labels={n: wrap(n, 20) for n in graph})
    axis.set_title(f"{title}\n(taille : mentions ; épaisseur : mentions communes)",
                   fontsize=11, loc="left")
    axis.margins(0.12)
    return figure
