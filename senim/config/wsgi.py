import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "senim.config.settings")
application = get_wsgi_application()

# With debug off, the development keys (or none) stop the start here, before any request.
from django.conf import settings  # noqa: E402

from senim.config.keys import require_production_keys  # noqa: E402

require_production_keys(settings)

# Import every view now (the URLconf), not on a worker's first request: a cold worker's first
# answer took 4.4 s instead of 77 ms (benchmarks/README.md). With gunicorn --preload the work is
# done once, before the workers fork.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
