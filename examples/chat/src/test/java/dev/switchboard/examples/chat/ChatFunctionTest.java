package dev.switchboard.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat function over HTTP, as the gateway calls it: a message is stored and its answer lists the event to
 * publish to the room; history is bounded; bad input is a JSON 400; the page's files are served. The page in a
 * browser against gateways is the gateway module's ChatExampleBrowserTest.
 */
class ChatFunctionTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static HttpServer server;
    private static HttpClient client;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        server = ChatFunction.start("127.0.0.1", 0, 2, 3);
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void aMessageIsStoredAndItsAnswerPublishesItToTheRoom() throws Exception {
        HttpResponse<String> answer = post("{\"room\":\"publish\",\"from\":\" ann \",\"text\":\"<b>hi</b>\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode json = MAPPER.readTree(answer.body());
        JsonNode message = json.get("message");
        assertThat(message.get("from").asText()).isEqualTo("ann");
        assertThat(message.get("text").asText())
                .as("stored as given: the page escapes")
                .isEqualTo("<b>hi</b>");
        JsonNode publish = json.at("/switchboard/publish");
        assertThat(publish).hasSize(1);
        assertThat(publish.get(0).get("topic").asText()).isEqualTo("room.publish");
        assertThat(publish.get(0).get("event").asText()).isEqualTo("chat");
        assertThat(publish.get(0).get("id").asText())
                .as("the publish id is the message id")
                .isEqualTo(message.get("id").asText());
        assertThat(publish.get(0).get("data")).isEqualTo(message);
    }

    @Test
    void historyKeepsTheNewestMessagesOfARoom() throws Exception {
        for (int i = 1; i <= 5; i++) {
            assertThat(post("{\"room\":\"busy\",\"from\":\"bob\",\"text\":\"m" + i + "\"}")
                            .statusCode())
                    .isEqualTo(200);
        }
        JsonNode history =
                MAPPER.readTree(post("{\"room\":\"busy\",\"history\":true}").body());
        assertThat(history.get("messages"))
                .extracting(m -> m.get("text").asText())
                .containsExactly("m3", "m4", "m5");
        assertThat(history.has("switchboard"))
                .as("a history read publishes nothing")
                .isFalse();
    }

    @Test
    void theLeastRecentlyUsedRoomIsForgottenBeyondTheBound() {
        var rooms = new ChatRooms(2, 10);
        rooms.add("a", "x", "1", 0);
        rooms.add("b", "x", "2", 0);
        rooms.history("a");
        rooms.add("c", "x", "3", 0);
        assertThat(rooms.roomCount()).isEqualTo(2);
        assertThat(rooms.history("b")).isEmpty();
        assertThat(rooms.history("a")).hasSize(1);
    }

    @Test
    void badInputIsAJson400() throws Exception {
        for (String body : new String[] {
            "not json",
            "[1]",
            "{\"room\":\"a b\",\"from\":\"x\",\"text\":\"y\"}",
            "{\"room\":\"a\",\"from\":\"\",\"text\":\"y\"}",
            "{\"room\":\"a\",\"from\":\"x\",\"text\":\"   \"}",
            "{\"room\":\"a\",\"from\":\"x\",\"text\":\"" + "y".repeat(2001) + "\"}"
        }) {
            HttpResponse<String> answer = post(body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(MAPPER.readTree(answer.body()).get("error").asText())
                    .as(body)
                    .isNotBlank();
        }
    }

    @Test
    void servesThePage() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"chat.js\">").doesNotContain("https://");
        assertThat(get("/chat.js").body()).contains("new EventSource(").doesNotContain("innerHTML");
        assertThat(get("/chat.css").statusCode()).isEqualTo(200);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(base.resolve("/"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
