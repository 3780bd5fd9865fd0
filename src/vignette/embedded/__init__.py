"""Everything `vignette serve` runs on one machine: embedded Redis and a process supervisor."""
