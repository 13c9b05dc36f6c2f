"""Pelican settings of the portal (development / demo). `publishconf.py` overrides them for production."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from portal.filters import FILTERS  # noqa: E402

SITENAME = "行政处罚与行政复议决定公开平台"
PUBLISHER = "福州市公安局（示例数据，非真实案件）"
SITEURL = ""
# Absolute origin for feeds and the sitemap, which need full URLs.
PORTAL_SITE_ORIGIN = "http://127.0.0.1:8000"
RELATIVE_URLS = True
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_DATE = "fs"

PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = []
STATIC_PATHS = []
THEME = "theme"
THEME_STATIC_DIR = "theme"
PLUGIN_PATHS = ["."]
PLUGINS = ["portal"]

PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# Pelican's article machinery is not used: decisions come from the portal's own generator.
DIRECT_TEMPLATES = []
ARTICLE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
DRAFT_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
JINJA_FILTERS = FILTERS
MARKDOWN = {"extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.toc": {}}, "output_format": "html5"}

# Pages about natural persons (and sole proprietors) ask web search engines not to index them.
NOINDEX_NATURAL_PERSONS = True
PORTAL_PAGE_SIZE = 30

# No inline script or style anywhere; 'wasm-unsafe-eval' only for the static search's WebAssembly.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)

NAV_LINKS = [
    ("", "首页"),
    ("decisions/", "处罚决定"),
    ("reconsiderations/", "复议决定"),
    ("withdrawals/", "撤回公告"),
    ("stats/", "执法统计"),
    ("open-data/", "开放数据"),
    ("lookup/", "进度查询"),
]
FOOTER_LINKS = [
    ("about/", "关于本站"),
    ("how-to-read/", "如何阅读决定书"),
    ("privacy/", "隐私与个人信息保护"),
    ("open-data/", "开放数据"),
    ("feeds/decisions.atom.xml", "订阅最新决定（Atom）"),
    ("feeds/withdrawals.atom.xml", "订阅撤回公告（Atom）"),
]

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_SOURCES = False
SUMMARY_MAX_LENGTH = None
