# The callcoach image used by docker-compose.yml (API and workers share it).
#
# Two stages: the builder has a C compiler and turns every dependency into a wheel (webrtcvad,
# which resemblyzer imports, is published only as source); the runtime stage installs those wheels
# with no compiler and no index, so the final image carries neither build tools nor pip caches.

FROM python:3.11-slim AS builder
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY callcoach ./callcoach
COPY ingest ./ingest
COPY transcribe ./transcribe
COPY signals ./signals
COPY coaching ./coaching
COPY workers ./workers
COPY api ./api
# The CPU build of torch (the pinned version) first: its "+cpu" wheel then satisfies torch==2.13.0
# for the rest, so PyPI's CUDA build (several GB) is never fetched. setuptools<80 keeps
# pkg_resources for webrtcvad's build and import.
RUN pip wheel --no-cache-dir --wheel-dir /wheels \
        --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0" \
    && pip wheel --no-cache-dir --wheel-dir /wheels --find-links /wheels "setuptools<80" wheel . \
    && ls /wheels | grep -qi "^webrtcvad"

FROM python:3.11-slim
# ffmpeg libraries for PyAV are in its wheel; libsndfile for soundfile, libgomp for CTranslate2.
RUN apt-get update && apt-get install -y --no-install-recommends libsndfile1 libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 callcoach \
    && mkdir /data && chown callcoach /data
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels callcoach && rm -rf /wheels
USER callcoach
ENV CALLCOACH_DATA_DIR=/data
EXPOSE 8000
CMD ["callcoach", "serve", "--host", "0.0.0.0", "--port", "8000"]
