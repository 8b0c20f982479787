"""The web interface: every page of the site, in one Django app (``ansinh.web``), one package per area.

Each area (``registry``, ``review``, ``imports``, ``accounts``, ``audit``, and each module to come) holds its
views, its Django forms and its URL conf under ``web/<area>/``; ``web/urls.py`` mounts the areas under their
prefixes. Templates live in this app's one template directory, named by area
(``web/templates/<area>/...``, found by ``APP_DIRS``), with the shared chrome in ``web/templates/web/``
(``base.html``, ``includes/``); static files live in ``web/static/<area>/...`` and keep their URLs
(``/static/review/review.css``), served by WhiteNoise through the staticfiles finders. Helpers every area
shares sit at the top: ``common.py`` (view helpers), ``display.py``, ``conflicts.py``, ``context.py``,
``middleware.py``, ``templatetags/``. Pages parse input, check permission, call one action or query of a
domain app and render; no domain app imports this package.
"""
