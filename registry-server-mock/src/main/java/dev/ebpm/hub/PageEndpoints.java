package dev.ebpm.hub;

import dev.ebpm.hub.catalog.Catalog;
import dev.ebpm.hub.catalog.CatalogPackage;
import dev.ebpm.hub.catalog.CatalogVersion;
import dev.ebpm.hub.catalog.PublisherProfile;
import dev.ebpm.hub.web.HubPages;
import dev.ebpm.hub.web.ReadmeRenderer;
import dev.ebpm.web.Asset;
import dev.ebpm.web.Html;
import dev.ebpm.web.PageShell;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's pages (docs/web.md) and the JSON search endpoint they share with {@code ebpm search}: each reads one
 * {@link ReadSnapshot}'s catalog and the live download counts, and {@link HubPages} renders. A page that is not there
 * is an HTML 404, not the protocol's JSON error.
 */
final class PageEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(PageEndpoints.class);
    /** Packages in each list of the home page. */
    static final int HOME_LIST = 8;
    /** Results on a search page. */
    static final int PAGE_HITS = 100;
    static final int SEARCH_DEFAULT_LIMIT = 20;
    static final int SEARCH_MAX_LIMIT = 1000;

    /** Package pages kept rendered. */
    static final int PAGES_KEPT = 256;

    private final HubStore store;
    private ReadmeRenderer readmes; // made on the first package page: commonmark loads only then
    private final Map<PageKey, byte[]> pages = new LinkedHashMap<>(PAGES_KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PageKey, byte[]> eldest) {
            return size() > PAGES_KEPT;
        }
    };

    PageEndpoints(HubStore store) {
        this.store = store;
    }

    Reply home(Exchange x) {
        Catalog c = store.catalog();
        long downloads = 0;
        for (CatalogPackage p : c.packages()) downloads += store.downloads(p.name());
        byte[] page = HubPages.home(site(x), c.packages().size(), c.versionCount(), downloads,
                c.mostDownloaded(HOME_LIST, store::downloads), c.newest(HOME_LIST, store::downloads));
        return Reply.html(200, page).header("Vary", "Accept");
    }

    Reply search(Exchange x) {
        String q = x.query("q") == null ? "" : x.query("q");
        List<Catalog.Listed> hits = store.catalog().search(q, store::downloads);
        return Reply.html(200, HubPages.search(site(x), q, hits.subList(0, Math.min(hits.size(), PAGE_HITS)), hits.size()));
    }

    Reply pkg(Exchange x) {
        Catalog c = store.catalog();
        Optional<CatalogPackage> p = c.find(x.param("name"));
        if (p.isEmpty()) return notFound(x, "There is no package " + x.param("name") + " on this hub.");
        return pkg(x, c, p.get(), p.get().shown(), "");
    }

    Reply pkgVersion(Exchange x) {
        Catalog c = store.catalog();
        Optional<CatalogPackage> p = c.find(x.param("name"));
        if (p.isEmpty()) return notFound(x, "There is no package " + x.param("name") + " on this hub.");
        Optional<CatalogVersion> v = p.get().version(x.param("version"));
        if (v.isEmpty()) {
            return notFound(x, "Package " + p.get().name() + " has no version " + x.param("version") + "; it has "
                    + p.get().versions().stream().map(e -> e.version().toString()).collect(Collectors.joining(", ")) + ".");
        }
        return pkg(x, c, p.get(), v.get(), v.get().version().toString());
    }

    /**
     * What a package page shows changes only with the catalog (a publish or a yank makes a new one), the address the hub
     * is reached at, and the package's downloads (counts only grow, so their sum changes whenever one does).
     *
     * @param version empty for the page of the version shown by default
     */
    private record PageKey(Catalog catalog, String pkg, String version, String origin, long downloads) {}

    private Reply pkg(Exchange x, Catalog c, CatalogPackage p, CatalogVersion v, String version) {
        PageKey key = new PageKey(c, p.name(), version, x.origin(), store.downloads(p.name()));
        byte[] page;
        synchronized (pages) {
            page = pages.get(key);
        }
        if (page == null) {
            page = HubPages.pkg(site(x), p, v, readme(p, v), key.downloads(), e -> store.downloads(p.name(), e.version().toString()));
            synchronized (pages) {
                pages.put(key, page);
            }
        }
        return Reply.html(200, page);
    }

    /** The version's README rendered, or null when it has none, or one too large, or it cannot be read (logged). */
    private Html readme(CatalogPackage p, CatalogVersion v) {
        try {
            Optional<byte[]> text = store.readme(v);
            if (text.isEmpty()) return null;
            return readmes().render(v.manifest().files().get(v.readmePath().orElseThrow()).sha256(), text.get());
        } catch (IOException | HubStorageException e) {
            // the rest of the page is still worth showing
            LOG.warn("README of {}@{}: {}", p.name(), v.version(), e.getMessage());
            return null;
        }
    }

    Reply publisher(Exchange x) {
        Optional<PublisherProfile> who = store.publisher(x.param("name"));
        if (who.isEmpty()) return notFound(x, "There is no publisher " + x.param("name") + " on this hub.");
        List<Catalog.Listed> owned = new ArrayList<>();
        for (CatalogPackage p : store.catalog().ownedBy(who.get().name())) owned.add(new Catalog.Listed(p, store.downloads(p.name())));
        return Reply.html(200, HubPages.publisher(site(x), who.get(), owned));
    }

    Reply asset(Exchange x) {
        String file = x.param("file");
        for (Asset a : List.of(PageShell.STYLESHEET, HubPages.SCRIPT)) if (a.fileName().equals(file)) return Reply.asset(a);
        throw HubException.notFound("no asset " + file);
    }

    /**
     * {@code GET /api/v1/search?q=TERM[&limit=N]}: the matching packages, best first, each as its entry in the index
     * with its download count (docs/hub-protocol.md).
     */
    Reply searchJson(Exchange x) {
        String q = x.query("q") == null ? "" : x.query("q");
        int limit = limit(x.query("limit"));
        ReadSnapshot snap = store.snapshot();
        List<Catalog.Listed> hits = snap.catalog().search(q, store::downloads);
        List<Map<String, Object>> packages = new ArrayList<>();
        for (Catalog.Listed l : hits.subList(0, Math.min(limit, hits.size()))) {
            Map<String, Object> entry = new LinkedHashMap<>(snap.entries().get(l.pkg().name()));
            entry.put("downloads", l.downloads());
            packages.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("protocol", ReadSnapshot.PROTOCOL);
        body.put("query", q);
        body.put("total", hits.size());
        body.put("packages", packages);
        return Reply.json(200, body).header("Cache-Control", "no-cache");
    }

    private static int limit(String text) {
        if (text == null) return SEARCH_DEFAULT_LIMIT;
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= SEARCH_MAX_LIMIT) return n;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HubException.badRequest("limit must be a whole number from 1 to " + SEARCH_MAX_LIMIT);
    }

    private Reply notFound(Exchange x, String message) {
        return Reply.html(404, HubPages.notFound(site(x), message));
    }

    private HubPages.Site site(Exchange x) {
        return new HubPages.Site(x.origin(), store.hubKey().fingerprint());
    }

    private synchronized ReadmeRenderer readmes() {
        if (readmes == null) readmes = new ReadmeRenderer();
        return readmes;
    }
}
