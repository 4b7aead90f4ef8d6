"""Migration scripts, one per revision: 0001_core, then the coaching and access tables."""
