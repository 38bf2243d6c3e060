package dev.switchboard.gateway.monitor;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.sse.SseResponses;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live monitoring page on the admin listener. {@link #pages()} serves the page itself (HTML, script, style
 * from the gateway's resources: no data, so no token); {@code GET /admin/ui/feed}, behind the admin guard,
 * streams the fleet's figures as SSE, one {@code fleet} event per {@code MONITOR_INTERVAL}. One open page is one
 * stream; pages share one read of the fleet per interval ({@link FleetView}).
 */
public final class MonitorService implements HttpService, AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(MonitorService.class.getName());
    /** The page's path. */
    public static final String PAGE = "/admin/ui";
    /** The feed's path. */
    public static final String FEED = "/admin/ui/feed";
    /** The page runs only its own script and talks only to this listener. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static final Map<String, Asset> ASSETS = Map.of(
            PAGE,
            new Asset("monitor/index.html", "text/html; charset=utf-8"),
            PAGE + "/monitor.js",
            new Asset("monitor/monitor.js", "text/javascript; charset=utf-8"),
            PAGE + "/monitor.css",
            new Asset("monitor/monitor.css", "text/css; charset=utf-8"));

    private final FleetView fleet;
    private final int maxFeeds;
    private final AtomicInteger feeds = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    /**
     * @param fleet    the fleet's figures
     * @param maxFeeds pages this replica feeds at once ({@code MONITOR_MAX_FEEDS})
     */
    public MonitorService(FleetView fleet, int maxFeeds) {
        this.fleet = fleet;
        this.maxFeeds = maxFeeds;
    }

    private record Asset(String resource, String type) {
        byte[] bytes() {
            try (InputStream in = MonitorService.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** @return the routes of the page's static files, served without a token: they hold no data */
    public HttpService pages() {
        return rules -> ASSETS.forEach((path, asset) -> {
            byte[] body = asset.bytes();
            rules.get(path, (req, res) -> {
                res.header(HeaderNames.CONTENT_TYPE, asset.type());
                res.header(HeaderNames.CACHE_CONTROL, "no-cache");
                res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
                res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
                res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
                res.send(body);
            });
            rules.any(path, ErrorHandling.methodNotAllowed("GET"));
        });
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(FEED, this::feed).any(FEED, ErrorHandling.methodNotAllowed("GET"));
    }

    private void feed(ServerRequest req, ServerResponse res) {
        if (feeds.incrementAndGet() > maxFeeds) {
            feeds.decrementAndGet();
            throw new ApiException(
                    Status.TOO_MANY_REQUESTS_429,
                    "TOO_MANY_FEEDS",
                    "this replica already feeds " + maxFeeds
                            + " monitoring pages (MONITOR_MAX_FEEDS); close one or raise the limit");
        }
        try {
            OutputStream out = SseResponses.start(res);
            long intervalMillis = fleet.interval().toMillis();
            out.write(("retry: " + Math.max(1000, intervalMillis) + "\n\n").getBytes(StandardCharsets.UTF_8));
            do {
                out.write(("event: fleet\ndata: " + fleet.current() + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } while (!closed.await(intervalMillis, TimeUnit.MILLISECONDS));
            out.close();
        } catch (IOException | UncheckedIOException | io.helidon.webserver.ServerConnectionException e) {
            LOGGER.log(Level.FINE, "monitoring page gone", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feeds.decrementAndGet();
        }
    }

    /** @return pages fed now */
    public int feeds() {
        return feeds.get();
    }

    /** Ends every feed (the gateway stops). */
    @Override
    public void close() {
        closed.countDown();
    }
}
