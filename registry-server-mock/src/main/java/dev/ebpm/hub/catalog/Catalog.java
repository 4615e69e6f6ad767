package dev.ebpm.hub.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Every package on the hub, as the pages and the search endpoint read it: one immutable value per state of the hub
 * (rebuilt with the read snapshot after each write). Download counts change between writes, so the queries that rank
 * by them are handed the live counts.
 */
public final class Catalog {
    /** An archive's package and version, for counting its downloads. */
    public record Archive(String pkg, String version) {}

    /** A package and its downloads, as lists show it. */
    public record Listed(CatalogPackage pkg, long downloads) {}

    private final List<CatalogPackage> packages;
    private final Map<String, CatalogPackage> byName = new HashMap<>();
    private final Map<String, Archive> archives = new HashMap<>();

    /** @param packages sorted by name */
    public Catalog(List<CatalogPackage> packages) {
        this.packages = List.copyOf(packages);
        for (CatalogPackage p : packages) {
            byName.put(p.name(), p);
            for (CatalogVersion v : p.versions()) archives.put(v.sha256(), new Archive(p.name(), v.version().toString()));
        }
    }

    /** Sorted by name. */
    public List<CatalogPackage> packages() {
        return packages;
    }

    public Optional<CatalogPackage> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The package and version whose archive has this digest. */
    public Optional<Archive> archive(String sha256) {
        return Optional.ofNullable(archives.get(sha256));
    }

    public int versionCount() {
        return archives.size();
    }

    /** The packages published to most recently, newest first. */
    public List<Listed> newest(int limit, ToLongFunction<String> downloads) {
        return packages.stream().sorted(Comparator.comparing(CatalogPackage::updatedAt).reversed().thenComparing(CatalogPackage::name))
                .limit(limit).map(p -> new Listed(p, downloads.applyAsLong(p.name()))).toList();
    }

    /** The most downloaded packages, most first; packages never downloaded are left out. */
    public List<Listed> mostDownloaded(int limit, ToLongFunction<String> downloads) {
        return packages.stream().map(p -> new Listed(p, downloads.applyAsLong(p.name()))).filter(l -> l.downloads() > 0)
                .sorted(Comparator.comparingLong(Listed::downloads).reversed().thenComparing(l -> l.pkg().name())).limit(limit).toList();
    }

    /** Packages one of the publisher owns, by name. */
    public List<CatalogPackage> ownedBy(String publisher) {
        return packages.stream().filter(p -> p.owners().contains(publisher)).toList();
    }

    /**
     * Packages matching every word of {@code query} (case-insensitive): each word is found in the name, the description
     * or a keyword. Best first: a name equal to the query, then names starting with or containing a word, then
     * keywords, then descriptions; ties by downloads, then name. An empty query matches every package.
     */
    public List<Listed> search(String query, ToLongFunction<String> downloads) {
        String q = query.strip().toLowerCase(Locale.ROOT);
        String[] words = q.isEmpty() ? new String[0] : q.split("\\s+");
        record Hit(Listed listed, int score) {}
        List<Hit> hits = new ArrayList<>();
        for (CatalogPackage p : packages) {
            int score = p.name().equals(q) ? 1000 : 0;
            boolean all = true;
            for (String w : words) {
                int s = score(p, w);
                if (s == 0) {
                    all = false;
                    break;
                }
                score += s;
            }
            if (all) hits.add(new Hit(new Listed(p, downloads.applyAsLong(p.name())), score));
        }
        hits.sort(Comparator.comparingInt(Hit::score).reversed().thenComparing(h -> -h.listed().downloads())
                .thenComparing(h -> h.listed().pkg().name()));
        return hits.stream().map(Hit::listed).toList();
    }

    private static int score(CatalogPackage p, String word) {
        if (p.name().startsWith(word)) return 30;
        if (p.name().contains(word)) return 20;
        int best = 0;
        for (String k : p.keywords()) {
            String kw = k.toLowerCase(Locale.ROOT);
            if (kw.equals(word)) return 15;
            if (kw.contains(word)) best = 10;
        }
        if (best > 0) return best;
        String d = p.description();
        return d != null && d.toLowerCase(Locale.ROOT).contains(word) ? 5 : 0;
    }
}
