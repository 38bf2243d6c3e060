package dev.switchboard.gateway.http;

import io.helidon.common.parameters.Parameters;
import io.helidon.common.uri.UriPath;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.http.RoutedPath;
import java.util.Map;

/**
 * Matches {@code /{name}} or {@code /{name}/<suffix>}, optionally under a literal prefix ({@code
 * /mcp/{name}/sse}), as Helidon's pattern of the same text does (one non-empty segment of the decoded path, the
 * name as a path parameter) without a regular expression: the routes every call takes ({@code
 * /invoke/{function}}, {@code /mcp/{name}}) would otherwise run one per route tried, per request. With its prefix
 * a route sits at the top of a listener's routing, where Helidon finds it without the parameter merge a service
 * registered under a path costs each request.
 */
public final class NamedSegment implements PathMatcher {
    private static final String PATH_PARAMETERS = "http/path";
    /** Literal segments before the named one ({@code "/mcp"}), or empty. */
    private final String prefix;
    /** The path parameter's name. */
    private final String parameter;
    /** {@code "/" + suffix}, or null for the segment alone. */
    private final String tail;

    private NamedSegment(String prefix, String parameter, String tail) {
        this.prefix = prefix;
        this.parameter = parameter;
        this.tail = tail;
    }

    /**
     * @param parameter the path parameter's name
     * @return a matcher of {@code /{parameter}}
     */
    public static NamedSegment of(String parameter) {
        return new NamedSegment("", parameter, null);
    }

    /**
     * @param parameter the path parameter's name
     * @param suffix    the literal segment after it
     * @return a matcher of {@code /{parameter}/suffix}
     */
    public static NamedSegment followedBy(String parameter, String suffix) {
        return new NamedSegment("", parameter, "/" + suffix);
    }

    /**
     * @param path literal segments, starting with {@code /} and not ending with one ({@code "/mcp"})
     * @return this matcher under that path ({@code /mcp/{name}})
     */
    public NamedSegment under(String path) {
        if (!path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("a prefix starts with / and does not end with one: " + path);
        }
        return new NamedSegment(path + prefix, parameter, tail);
    }

    @Override
    public PathMatchers.MatchResult match(UriPath uriPath) {
        String path = uriPath.path();
        int start = prefix.length();
        int end = tail == null ? path.length() : path.length() - tail.length();
        if (end < start + 2 || !path.startsWith(prefix) || path.charAt(start) != '/') {
            return PathMatchers.MatchResult.notAccepted();
        }
        if ((tail != null && !path.endsWith(tail)) || path.indexOf('/', start + 1) != (tail == null ? -1 : end)) {
            return PathMatchers.MatchResult.notAccepted();
        }
        Parameters parameters =
                Parameters.createSingleValueMap(PATH_PARAMETERS, Map.of(parameter, path.substring(start + 1, end)));
        return new PathMatchers.MatchResult(true, new Routed(uriPath, parameters));
    }

    /** Used for services, not routes: these matchers are only given to routes. */
    @Override
    public PathMatchers.PrefixMatchResult prefixMatch(UriPath uriPath) {
        return PathMatchers.PrefixMatchResult.notAccepted();
    }

    @Override
    public String toString() {
        return prefix + "/{" + parameter + "}" + (tail == null ? "" : tail);
    }

    /** The request's path with the segment as its parameter. */
    private record Routed(UriPath request, Parameters pathParameters) implements RoutedPath {
        @Override
        public String rawPath() {
            return request.rawPath();
        }

        @Override
        public String rawPathNoParams() {
            return request.rawPathNoParams();
        }

        @Override
        public String path() {
            return request.path();
        }

        @Override
        public Parameters matrixParameters() {
            return request.matrixParameters();
        }

        @Override
        public RoutedPath absolute() {
            return new Routed(request.absolute(), pathParameters);
        }

        @Override
        public void validate() {
            request.validate();
        }

        @Override
        public String toString() {
            return request.toString();
        }
    }
}
