"""TD-5: the public pages search engines may index."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors


class StaticSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["home", "tenders:directory", "tenders:request_new"]

    def location(self, item):
        return reverse(item)


class DirectorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.directory_profiles().order_by("slug")

    def location(self, item):
        return reverse("tenders:directory_profile", kwargs={"slug": item.slug})


SITEMAPS = {"static": StaticSitemap, "directory": DirectorySitemap}
