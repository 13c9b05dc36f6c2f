"""Production settings: absolute SITEURL for the public host. Use with `publish.py build --production`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("PORTAL_SITEURL", "https://gongshi.example.gov.cn")
PORTAL_SITE_ORIGIN = SITEURL
RELATIVE_URLS = False
