"""Image providers behind one interface (leaf package: no web, queue or database imports)."""
