package dev.switchboard.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EchoFunctionTest {

    private static HttpServer server;
    private static HttpClient client;
    private static URI base;

    @BeforeAll
    static void startFunction() throws IOException {
        server = EchoFunction.start("127.0.0.1", 0);
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stopFunction() {
        client.close();
        server.stop(0);
    }

    @Test
    void echoesTheBodyAndTheGatewayHeaders() throws Exception {
        HttpResponse<String> response =
                post("{\"text\":\"héllo\",\"n\":[1,2]}", "X-Request-ID", "req-1", "X-Client-ID", "client \"a\"\\b");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body())
                .isEqualTo("{\"echo\":{\"text\":\"héllo\",\"n\":[1,2]},\"request_id\":\"req-1\","
                        + "\"client_id\":\"client \\\"a\\\"\\\\b\",\"function\":\"echo\"}");
    }

    @Test
    void missingHeadersAndEmptyBodyBecomeNull() throws Exception {
        HttpResponse<String> response = post("  ");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .isEqualTo("{\"echo\":null,\"request_id\":null,\"client_id\":null,\"function\":\"echo\"}");
    }

    @Test
    void rejectsABodyThatIsNotJson() throws Exception {
        HttpResponse<String> response = post("hello=world");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"error\":\"body must be JSON\"}");
    }

    @Test
    void acceptsABodyOfExactlyOneMebibyte() throws Exception {
        String json = "\"" + "a".repeat(EchoFunction.MAX_BODY_BYTES - 2) + "\"";

        HttpResponse<String> response = post(json);

        assertThat(response.statusCode()).isEqualTo(200);
        String suffix = ",\"request_id\":null,\"client_id\":null,\"function\":\"echo\"}";
        // Compare lengths and ends, not the strings: a failure message with 1 MiB in it helps nobody.
        assertThat(response.body().length()).isEqualTo("{\"echo\":".length() + json.length() + suffix.length());
        assertThat(response.body().substring(0, 12)).isEqualTo("{\"echo\":\"aaa");
        assertThat(response.body().endsWith("a\"" + suffix)).isTrue();
    }

    @Test
    void rejectsABodyLargerThanOneMebibyte() throws Exception {
        byte[] body = new byte[EchoFunction.MAX_BODY_BYTES + 1];
        Arrays.fill(body, (byte) '1');

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(base.resolve("/"))
                        .POST(BodyPublishers.ofByteArray(body))
                        .build(),
                BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void healthzIsOk() throws Exception {
        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void unknownPathsAre404Json() throws Exception {
        HttpResponse<String> response = get("/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"error\":\"not found\"}");
    }

    @Test
    void wrongMethodOnAKnownPathIs405() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void escapesControlCharactersInStrings() {
        assertThat(EchoFunction.jsonString("a\u0001\n\t")).isEqualTo("\"a\\u0001\\n\\t\"");
        assertThat(EchoFunction.jsonString(null)).isEqualTo("null");
    }

    private HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), BodyHandlers.ofString());
    }
}
