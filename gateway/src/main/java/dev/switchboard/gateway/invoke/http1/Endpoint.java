package dev.switchboard.gateway.invoke.http1;

import dev.switchboard.gateway.http.AsciiBytes;
import java.net.URI;
import java.util.Locale;

/**
 * Where connections go, and what one pool of kept-alive connections is keyed by.
 *
 * @param secure whether it speaks TLS ({@code https})
 * @param host   the host as the URI names it (an IPv6 literal in brackets)
 * @param port   the port, the scheme's default filled in
 */
public record Endpoint(boolean secure, String host, int port) {
    /**
     * @param uri an {@code http} or {@code https} URI with a host
     * @return its endpoint
     * @throws IllegalArgumentException for another scheme or no host
     */
    public static Endpoint of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean secure;
        if (scheme.equals("https")) {
            secure = true;
        } else if (scheme.equals("http")) {
            secure = false;
        } else {
            throw new IllegalArgumentException("not an http or https URI: " + uri);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
        return new Endpoint(secure, uri.getHost(), port);
    }

    /** @return the host without the brackets of an IPv6 literal (for TLS and the resolver) */
    public String bareHost() {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * @param head a request head being written
     * @return {@code head} with the {@code Host} header's value appended: the port only when it is not the scheme's
     *         default (no intermediate string: this runs once per call)
     */
    AsciiBytes appendHostHeader(AsciiBytes head) {
        head.append(host);
        return port == (secure ? 443 : 80) ? head : head.append(':').append(port);
    }
}
