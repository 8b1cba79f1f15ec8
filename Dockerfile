# The API image for compose.yaml: the same install as scripts/bootstrap and scripts/system-packages.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim \
        tesseract-ocr-osd poppler-utils && apt-get install -y --no-install-recommends libreoffice-writer-nogui \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest ingest
COPY index index
COPY analysis analysis
COPY api api
COPY web web
COPY evaluation evaluation
RUN pip install --no-cache-dir "torch==2.13.0" && pip install --no-cache-dir -e .
EXPOSE 8000
