# The callcoach image used by docker-compose.yml (API and workers share it).
FROM python:3.11-slim
# ffmpeg libraries for PyAV are in its wheel; libsndfile for soundfile, libgomp for CTranslate2.
RUN apt-get update && apt-get install -y --no-install-recommends libsndfile1 libgomp1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY callcoach ./callcoach
COPY ingest ./ingest
COPY transcribe ./transcribe
COPY signals ./signals
COPY coaching ./coaching
COPY workers ./workers
COPY api ./api
# The CPU build of torch (the pinned version), then callcoach and the rest of its dependencies.
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0" \
    && pip install --no-cache-dir .
ENV CALLCOACH_DATA_DIR=/data
EXPOSE 8000
CMD ["callcoach", "serve", "--host", "0.0.0.0", "--port", "8000"]
