# Production image: gunicorn serving Django, static files through WhiteNoise.
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DEBUG=0 SECRET_KEY=build-only-collectstatic-0123456789abcdefghijkl python manage.py collectstatic --noinput \
    && python manage.py compilemessages --help >/dev/null 2>&1 || true
RUN useradd --system --home /app appuser && mkdir -p /app/var && chown -R appuser /app/var
USER appuser
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
