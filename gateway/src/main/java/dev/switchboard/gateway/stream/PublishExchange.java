package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.api.JsonPost;
import dev.switchboard.gateway.api.Publications;
import dev.switchboard.gateway.mcp.McpNotifications;
import io.helidon.http.HeaderNames;

/**
 * {@code POST /publish/{topic}} and {@code POST /publish/mcp/{server}} on the event loops: {@link Publications}
 * and {@link McpNotifications}, which serve the public listener's publishes too, over the connection's exchange,
 * under the same rule (a publish grant covering the topic, or {@code mcp:<server>}) and with the same JSON errors.
 * Publishers reach the URL their subscribers stream from, and a publisher that keeps its connection publishes again
 * without a new thread. No CORS headers.
 */
final class PublishExchange {
    private final Publications publications;
    private final McpNotifications notifications;
    private final JsonAnswers answers;

    /**
     * @param publications  serves the publishes to topics
     * @param notifications serves the pushes to MCP servers' sessions
     * @param answers       sends the answers and refusals
     */
    PublishExchange(Publications publications, McpNotifications notifications, JsonAnswers answers) {
        this.publications = publications;
        this.notifications = notifications;
        this.answers = answers;
    }

    /**
     * Serves an admitted publish.
     *
     * @param exchange the request and its answer; its identity set by admission
     * @param topic    the {@code topic} of the path, as sent
     */
    void serve(SocketExchange exchange, String topic) {
        answers.send(exchange, "/publish/" + topic, () -> publications.publish(post(exchange, topic), true));
    }

    /**
     * Serves an admitted push to an MCP server's sessions.
     *
     * @param exchange the request and its answer; its identity set by admission
     * @param server   the {@code server} of the path
     */
    void serveMcp(SocketExchange exchange, String server) {
        answers.send(exchange, "/publish/mcp/" + server, () -> notifications.notify(post(exchange, server), true));
    }

    private static JsonPost post(SocketExchange exchange, String name) {
        return new JsonPost(
                name,
                exchange.headers().first(HeaderNames.CONTENT_TYPE),
                exchange::body,
                exchange.identity(),
                exchange::header);
    }
}
