package dev.switchboard.gateway.http;

import io.helidon.common.parameters.Parameters;
import io.helidon.common.uri.UriPath;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.http.RoutedPath;
import java.util.Map;

/**
 * Matches {@code /{name}} or {@code /{name}/<suffix>} as Helidon's pattern {@code "/{name}"} does (one non-empty
 * segment of the decoded path, the name as a path parameter) without a regular expression: the routes every call
 * takes ({@code /invoke/{function}}, {@code /mcp/{name}}) would otherwise run one per route tried, per request.
 */
public final class NamedSegment implements PathMatcher {
    private static final String PATH_PARAMETERS = "http/path";
    private final String parameter;
    /** {@code "/" + suffix}, or null for the segment alone. */
    private final String tail;

    private NamedSegment(String parameter, String tail) {
        this.parameter = parameter;
        this.tail = tail;
    }

    /**
     * @param parameter the path parameter's name
     * @return a matcher of {@code /{parameter}}
     */
    public static NamedSegment of(String parameter) {
        return new NamedSegment(parameter, null);
    }

    /**
     * @param parameter the path parameter's name
     * @param suffix    the literal segment after it
     * @return a matcher of {@code /{parameter}/suffix}
     */
    public static NamedSegment followedBy(String parameter, String suffix) {
        return new NamedSegment(parameter, "/" + suffix);
    }

    @Override
    public PathMatchers.MatchResult match(UriPath uriPath) {
        String path = uriPath.path();
        int end = tail == null ? path.length() : path.length() - tail.length();
        if (end < 2 || path.charAt(0) != '/' || (tail != null && !path.endsWith(tail))) {
            return PathMatchers.MatchResult.notAccepted();
        }
        if (path.indexOf('/', 1) != (tail == null ? -1 : end)) {
            return PathMatchers.MatchResult.notAccepted();
        }
        Parameters parameters =
                Parameters.createSingleValueMap(PATH_PARAMETERS, Map.of(parameter, path.substring(1, end)));
        return new PathMatchers.MatchResult(true, new Routed(uriPath, parameters));
    }

    /** Used for services, not routes: these matchers are only given to routes. */
    @Override
    public PathMatchers.PrefixMatchResult prefixMatch(UriPath uriPath) {
        return PathMatchers.PrefixMatchResult.notAccepted();
    }

    @Override
    public String toString() {
        return "/{" + parameter + "}" + (tail == null ? "" : tail);
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
