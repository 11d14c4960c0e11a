# syntax=docker/dockerfile:1
# Images for both projects, from one file (docs/deploy.md):
#   docker build --target api --build-arg GIT_SHA=$(git rev-parse HEAD) -t movie-api .
#   docker build --target support --build-arg GIT_SHA=$(git rev-parse HEAD) -t movie-support .
# Multi-stage: dependencies are installed in a build stage; the runtime stages copy the
# virtualenv and the code only, run as an unprivileged user, and carry a HEALTHCHECK.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------- build stages
# Both requirements files name libs/opskit by a path that pip reads from where it runs:
# the repository root, which /src stands for here.
FROM ${PYTHON_IMAGE} AS deps-api
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
WORKDIR /src
COPY libs/opskit libs/opskit
COPY requirements.txt requirements.txt
RUN /venv/bin/pip install -r requirements.txt

FROM ${PYTHON_IMAGE} AS deps-support
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
WORKDIR /src
COPY libs/opskit libs/opskit
COPY customer_support/requirements.txt customer_support/requirements.txt
RUN /venv/bin/pip install -r customer_support/requirements.txt

# ---------------------------------------------------------------- shared runtime base
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    LOG_FORMAT=json
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app
WORKDIR /app

# ---------------------------------------------------------------- customer_support
FROM runtime AS support
COPY --from=deps-support /venv /venv
COPY gunicorn.conf.py /app/gunicorn.conf.py
COPY scripts/healthcheck.py /app/scripts/healthcheck.py
COPY customer_support /app/customer_support
WORKDIR /app/customer_support
RUN SECRET_KEY=collectstatic-only DJANGO_SETTINGS_MODULE=support_site.settings.local \
    python manage.py collectstatic --noinput
ARG GIT_SHA=""
ENV RELEASE=${GIT_SHA} DJANGO_SETTINGS_MODULE=support_site.settings.production PORT=8001
USER app
EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
    CMD ["python", "/app/scripts/healthcheck.py", "/healthz"]
CMD ["gunicorn", "-c", "/app/gunicorn.conf.py", "support_site.wsgi"]

# ---------------------------------------------------------------- the movie API (default)
FROM runtime AS api
COPY --from=deps-api /venv /venv
COPY . /app
RUN rm -rf /app/customer_support \
    && SECRET_KEY=collectstatic-only OIDC_RSA_PRIVATE_KEY=collectstatic-only \
       DJANGO_SETTINGS_MODULE=movie_api.settings.local \
       python manage.py collectstatic --noinput
ARG GIT_SHA=""
ENV RELEASE=${GIT_SHA} DJANGO_SETTINGS_MODULE=movie_api.settings.production PORT=8000
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
    CMD ["python", "/app/scripts/healthcheck.py", "/healthz"]
CMD ["gunicorn", "-c", "/app/gunicorn.conf.py", "movie_api.wsgi"]
