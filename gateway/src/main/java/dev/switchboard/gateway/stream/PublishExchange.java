package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.api.Publications;
import io.helidon.http.HeaderNames;

/**
 * {@code POST /publish/{topic}} on the stream listener: {@link Publications}, which serves the public listener's
 * publishes too, over the connection's exchange, under the same rule (a publish grant covering the topic) and with
 * the same JSON errors. Publishers reach the URL their subscribers stream from, and a publisher that keeps its
 * connection publishes again without a new thread. No CORS headers, as on the public listener.
 */
final class PublishExchange {
    private final Publications publications;
    private final JsonAnswers answers;

    /**
     * @param publications serves the publishes
     * @param answers      sends the answers and refusals
     */
    PublishExchange(Publications publications, JsonAnswers answers) {
        this.publications = publications;
        this.answers = answers;
    }

    /**
     * Serves an admitted publish.
     *
     * @param exchange the request and its answer; its identity set by admission
     * @param topic    the {@code topic} of the path, as sent
     */
    void serve(SocketExchange exchange, String topic) {
        answers.send(
                exchange,
                "/publish/" + topic,
                () -> publications.publish(
                        new Publications.Post(
                                topic,
                                exchange.headers().first(HeaderNames.CONTENT_TYPE),
                                exchange::body,
                                exchange.identity(),
                                exchange::header),
                        true));
    }
}
