"""Live updates: server-sent event streams of a job's task documents and of everything that
changes for a user, fed by the change notices workers publish after their commits."""
