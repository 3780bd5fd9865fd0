"""What an operator asks of a running Vignette: is the process up, is the service ready."""
