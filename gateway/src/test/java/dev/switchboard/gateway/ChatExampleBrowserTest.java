package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.examples.chat.ChatFunction;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.HeadlessBrowser;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TcpForwarder;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat example (examples/chat) as people use it: two real headless Chromium windows on the page, served by the
 * chat function's own server (another origin than the gateways), window A on replica 1 and window B on replica 2
 * of one Redis. A message typed in either window appears in both, delivered by the room's topic; then B's replica
 * is stopped while A keeps chatting, and B's own {@code EventSource} reconnects by itself (through a forwarder that
 * stands in for a load balancer, now pointing at replica 1) with {@code Last-Event-ID}: B ends up showing every
 * message exactly once, in order. Takes the README's {@code chat.png} ({@link HeadlessBrowser#screenshot(String)}).
 */
class ChatExampleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<AutoCloseable> parts = new ArrayList<>();

    @AfterEach
    void stop() {
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                // the others still close
            }
        }
    }

    private <T extends AutoCloseable> T keep(T part) {
        parts.add(part);
        return part;
    }

    private Gateway replica(String id, String pageOrigin) {
        return keep(Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                "REDIS_URL", TestRedis.shared().url(), "REPLICA_ID", id, "SSE_CORS_ORIGINS", pageOrigin))));
    }

    @Test
    void twoWindowsOnTwoReplicasChatAndTheWindowWhoseReplicaStopsMissesNothing() throws Exception {
        // first: without a browser the test is skipped (or fails under CI) before anything starts
        HeadlessBrowser a = keep(HeadlessBrowser.start());
        HeadlessBrowser b = keep(HeadlessBrowser.start());
        TestRedis.shared().flush();
        HttpServer chat = ChatFunction.start("127.0.0.1", 0, 100, 200);
        keep(() -> chat.stop(0));
        String pages = "http://127.0.0.1:" + chat.getAddress().getPort();
        Gateway one = replica("replica-1", pages);
        Gateway two = replica("replica-2", pages);
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + one.adminPort() + "/admin/functions",
                "{\"name\":\"chat\",\"endpoint\":\"" + pages + "/\",\"timeout\":\"5s\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        // the registration reaches replica 2 through Redis
        await().atMost(WAIT)
                .until(() -> Http.postJson(
                                        "http://127.0.0.1:" + two.port() + "/invoke/chat",
                                        "{\"payload\":{\"room\":\"lobby\",\"history\":true}}")
                                .status()
                        == 200);
        TcpForwarder balancer = keep(TcpForwarder.start(two.port()));

        a.open(pages + "/?room=lobby&gateway=http://127.0.0.1:" + one.port());
        b.open(pages + "/?room=lobby&gateway=http://127.0.0.1:" + balancer.port());
        awaitConnected(a, "replica-1");
        awaitConnected(b, "replica-2");

        List<String> expected = new ArrayList<>();
        send(a, "ann", "hello from A <b>not bold</b> <img src=x onerror=alert(1)>", expected);
        awaitMessages(b, expected);
        send(b, "bob", "hi from B", expected);
        awaitMessages(a, expected);

        two.close();
        new WebDriverWait(b.driver(), WAIT).until(d -> !"connected".equals(state(b)));
        for (int i = 1; i <= 5; i++) {
            send(a, "ann", "while B is away " + i, expected);
        }
        assertThat(texts(b)).as("B's replica is gone: nothing reached B live").hasSize(2);

        balancer.retarget(one.port());
        awaitConnected(b, "replica-1");
        assertThat(Integer.parseInt(b.driver().findElement(By.tagName("body")).getDomAttribute("data-replayed")))
                .as("the browser sent its Last-Event-ID: replica 1 replayed what B missed")
                .isEqualTo(5);
        send(a, "ann", "welcome back", expected);

        for (HeadlessBrowser window : List.of(a, b)) {
            awaitMessages(window, expected);
            assertThat(window.driver().findElements(By.cssSelector("#messages li:not([data-streamed])")))
                    .as("every message came through the room's stream")
                    .isEmpty();
            assertThat(window.driver().findElement(By.tagName("body")).getDomAttribute("data-duplicates"))
                    .as("no event delivered twice")
                    .isEqualTo("0");
            assertThat(window.driver().findElements(By.cssSelector("#messages b, #messages img")))
                    .as("text is never parsed as HTML")
                    .isEmpty();
        }
        b.screenshot("chat.png");
    }

    private static void awaitConnected(HeadlessBrowser window, String replica) {
        new WebDriverWait(window.driver(), WAIT)
                .withMessage(() -> "state " + state(window))
                .until(d -> {
                    WebElement body = d.findElement(By.tagName("body"));
                    return "connected".equals(body.getDomAttribute("data-state"))
                            && replica.equals(body.getDomAttribute("data-replica"));
                });
        assertThat(window.text("#state")).isEqualTo("connected");
    }

    private static String state(HeadlessBrowser window) {
        return window.driver().findElement(By.tagName("body")).getDomAttribute("data-state");
    }

    /** Types as a person does, and waits for the gateway's answer (the input is emptied on success). */
    private static void send(HeadlessBrowser window, String name, String text, List<String> expected) {
        WebElement from = window.driver().findElement(By.id("from"));
        from.clear();
        from.sendKeys(name);
        window.driver().findElement(By.id("text")).sendKeys(text);
        window.driver().findElement(By.id("send")).click();
        new WebDriverWait(window.driver(), WAIT)
                .withMessage(() -> "not sent: " + window.text("#error"))
                .until(d -> d.findElement(By.id("text")).getDomProperty("value").isEmpty()
                        && d.findElement(By.id("send")).isEnabled());
        assertThat(window.text("#error")).isEmpty();
        expected.add(name + "|" + text);
    }

    private static void awaitMessages(HeadlessBrowser window, List<String> expected) {
        new WebDriverWait(window.driver(), WAIT, Duration.ofMillis(100))
                .withMessage(() -> "shown " + texts(window) + ", expected " + expected)
                .until(d -> texts(window).equals(expected));
    }

    private static List<String> texts(HeadlessBrowser window) {
        return window.driver().findElements(By.cssSelector("#messages li")).stream()
                .map(li -> li.findElement(By.className("from")).getText() + "|"
                        + li.findElement(By.className("text")).getText())
                .toList();
    }
}
