#!/usr/bin/env bash
# Run on each release, before restarting the daphne units.
set -euo pipefail
cd /srv/quizsite
set -a; . /etc/quizsite/quizsite.env; set +a
.venv/bin/pip install -q -r requirements.txt
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput
.venv/bin/python manage.py compilemessages -l zh_Hans --ignore '.venv/*' || true
.venv/bin/python manage.py check --deploy --fail-level WARNING
