"""The only layer that touches files: discovery, readers, staging, state, the versioned store."""
