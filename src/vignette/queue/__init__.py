"""Getting work to workers and pacing it: task messages, their markers, breakers, rate limits,
leases. Used by every feature; imports none (only `db`-free infrastructure and leaves)."""
