package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.helidon.common.uri.UriPath;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import org.junit.jupiter.api.Test;

class NamedSegmentTest {

    /** Every path is tried against Helidon's own pattern matcher too: the two must agree. */
    private static void agrees(PathMatcher ours, String pattern, String path) {
        PathMatchers.MatchResult expected = PathMatchers.create(pattern).match(UriPath.create(path));
        PathMatchers.MatchResult actual = ours.match(UriPath.create(path));
        assertThat(actual.accepted()).as(path).isEqualTo(expected.accepted());
        if (expected.accepted()) {
            assertThat(actual.path().pathParameters().get("name"))
                    .as(path)
                    .isEqualTo(expected.path().pathParameters().get("name"));
            assertThat(actual.path().path()).isEqualTo(expected.path().path());
            assertThat(actual.path().absolute().path())
                    .isEqualTo(expected.path().absolute().path());
        }
    }

    private static final String[] PATHS = {
        "/echo",
        "/a",
        "/",
        "",
        "/echo/",
        "/echo/sse",
        "/echo/messages",
        "/a/b/sse",
        "/sse",
        "//sse",
        "/x/y",
        "/echo%20fn",
        "/ech%2Fo",
        "/echo/ssex",
        "/echoxsse",
        "/a/messages/",
        "/messages",
        "/ü-name",
        "/x/sse/sse"
    };

    @Test
    void aSegmentAloneMatchesAsHelidonsPatternDoes() {
        for (String path : PATHS) {
            agrees(NamedSegment.of("name"), "/{name}", path);
        }
    }

    @Test
    void aSegmentWithASuffixMatchesAsHelidonsPatternDoes() {
        for (String path : PATHS) {
            agrees(NamedSegment.followedBy("name", "sse"), "/{name}/sse", path);
            agrees(NamedSegment.followedBy("name", "messages"), "/{name}/messages", path);
        }
    }

    @Test
    void underAPrefixItMatchesAsHelidonsPatternDoes() {
        for (String path : PATHS) {
            for (String tried : new String[] {path, "/mcp" + path, "/mcpx" + path, "/mc" + path, "/mcp/mcp" + path}) {
                agrees(NamedSegment.of("name").under("/mcp"), "/mcp/{name}", tried);
                agrees(NamedSegment.followedBy("name", "sse").under("/mcp"), "/mcp/{name}/sse", tried);
            }
            agrees(NamedSegment.of("name").under("/a/b"), "/a/b/{name}", "/a/b" + path);
        }
        assertThat(NamedSegment.followedBy("name", "messages").under("/mcp")).hasToString("/mcp/{name}/messages");
    }

    @Test
    void aPrefixStartsWithASlashAndDoesNotEndWithOne() {
        for (String wrong : new String[] {"mcp", "/mcp/", "/", ""}) {
            assertThatIllegalArgumentException()
                    .as(wrong)
                    .isThrownBy(() -> NamedSegment.of("name").under(wrong));
        }
    }

    @Test
    void theParameterIsTheDecodedSegment() {
        PathMatchers.MatchResult result = NamedSegment.of("function").match(UriPath.create("/my%20fn"));
        assertThat(result.accepted()).isTrue();
        assertThat(result.path().pathParameters().get("function")).isEqualTo("my fn");
    }
}
