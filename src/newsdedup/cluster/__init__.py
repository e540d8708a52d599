"""Pure story clustering: features, neighbour graph, linkage, topic description."""
