"""callcoach: conversation-intelligence coaching for B2B sales calls.

Core home for what every stage shares: settings (`callcoach.settings`), domain types
(`callcoach.domain`), the exception tree (`callcoach.errors`) and storage
(`callcoach.storage`). The stages live in the top-level packages `ingest`,
`transcribe`, `signals`, `coaching`, `workers` and `api`.
"""

__version__ = "0.1.0"
