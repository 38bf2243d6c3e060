package dev.switchboard.registry;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where Redis is and in which topology, read from one URL. Standalone ({@code redis://}, {@code rediss://},
 * {@code redis-socket://}) and Sentinel ({@code redis-sentinel://}) are Lettuce's own URI forms. Lettuce has
 * no URI form for a Cluster, so Switchboard adds one: {@code redis-cluster://} (or {@code rediss-cluster://}
 * for TLS) followed by one or more comma-separated seed nodes, each written as in a {@code redis://} URL:
 * {@code redis-cluster://:secret@10.0.0.1:7000,10.0.0.2:7000}.
 *
 * @param cluster whether the URL names a Redis Cluster
 * @param seeds   one URI for a standalone or Sentinel setup, the seed nodes for a Cluster
 */
public record RedisTarget(boolean cluster, List<RedisURI> seeds) {
    private static final String CLUSTER = "redis-cluster://";
    private static final String CLUSTER_TLS = "rediss-cluster://";

    /**
     * @param url a Redis URL in one of the forms above
     * @return the target
     * @throws IllegalArgumentException when the URL is not one of them
     */
    public static RedisTarget parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the Redis URL is empty");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith(CLUSTER)) {
            return new RedisTarget(true, clusterSeeds("redis://", url.substring(CLUSTER.length())));
        }
        if (lower.startsWith(CLUSTER_TLS)) {
            return new RedisTarget(true, clusterSeeds("rediss://", url.substring(CLUSTER_TLS.length())));
        }
        return new RedisTarget(false, List.of(create(url)));
    }

    /** Splits {@code [userinfo@]host:port,host:port[/db][?query]} into one URI per seed node. */
    private static List<RedisURI> clusterSeeds(String scheme, String rest) {
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        int end = firstOf(rest, '/', '?');
        String hosts = rest.substring(0, end);
        String tail = rest.substring(end);
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("the Redis Cluster URL has an empty seed node");
            }
            seeds.add(create(scheme + userInfo + host.trim() + tail));
        }
        return List.copyOf(seeds);
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        if (i < 0) {
            return j < 0 ? s.length() : j;
        }
        return j < 0 ? i : Math.min(i, j);
    }

    private static RedisURI create(String url) {
        int schemeEnd = url.indexOf("://");
        try {
            // schemes are case-insensitive (RFC 3986); Lettuce matches them exactly
            return RedisURI.create(
                    schemeEnd < 0
                            ? url
                            : url.substring(0, schemeEnd).toLowerCase(Locale.ROOT) + url.substring(schemeEnd));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Lettuce's message may quote the URL, password included; a URL with no host (redis://?x) is an
            // IllegalStateException from its builder
            throw new IllegalArgumentException("not a Redis URL (expected redis://, rediss://, redis-sentinel://, "
                    + "redis-socket:// or redis-cluster://)");
        }
    }

    /** @return the URL for logs, without credentials */
    public String display() {
        if (!cluster) {
            return RedisConnections.redact(seeds.getFirst());
        }
        StringBuilder display = new StringBuilder("cluster[");
        for (int i = 0; i < seeds.size(); i++) {
            display.append(i == 0 ? "" : ",")
                    .append(seeds.get(i).getHost())
                    .append(':')
                    .append(seeds.get(i).getPort());
        }
        return display.append(']').toString();
    }
}
