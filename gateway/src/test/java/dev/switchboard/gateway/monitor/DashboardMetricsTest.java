package dev.switchboard.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.ApiKeyHash;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric, label and label value that the chart's Grafana dashboard and alert rules query exists in a
 * real scrape of a gateway (on Redis) that was exercised first: streams opened and closed, functions called
 * with success and failure, an MCP session, a refused request. A renamed meter or label fails here, not on a
 * dashboard that stays silently empty.
 */
class DashboardMetricsTest {
    private static final Path DASHBOARD = Path.of("..", "charts", "switchboard", "monitoring", "dashboard.json");
    private static final Path ALERTS = Path.of("..", "charts", "switchboard", "monitoring", "alerts.yaml");
    private static final String KEY = "sk-dashboard-0123456789abcdef0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Labels Prometheus adds to every series of a target, and the series it makes itself. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job", "namespace", "pod");

    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** Series of a scrape: metric name to the label sets of its samples. */
    record Scrape(Map<String, List<Map<String, String>>> series) {
        static Scrape parse(String text) {
            Map<String, List<Map<String, String>>> series = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
                Map<String, String> labels = new HashMap<>();
                if (brace >= 0 && brace < space) {
                    Matcher m = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")
                            .matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                    while (m.find()) {
                        labels.put(m.group(1), m.group(2));
                    }
                }
                series.computeIfAbsent(name, n -> new ArrayList<>()).add(labels);
            }
            return new Scrape(series);
        }

        boolean hasLabel(String metric, String label) {
            return series.getOrDefault(metric, List.of()).stream().anyMatch(l -> l.containsKey(label));
        }

        boolean hasValue(String metric, String label, String value) {
            return series.getOrDefault(metric, List.of()).stream().anyMatch(l -> value.equals(l.get(label)));
        }
    }

    @Test
    void everyQueryOfTheDashboardAndTheAlertsNamesRealSeries() throws Exception {
        List<String> queries = queries();
        assertThat(queries).as("queries read from the chart").hasSizeGreaterThan(20);
        Scrape scrape = Scrape.parse(exercisedScrape());
        Set<String> checked = new LinkedHashSet<>();
        for (String query : queries) {
            checked.addAll(check(query, scrape));
        }
        assertThat(checked)
                .as("metrics the chart queries")
                .contains(
                        "switchboard_listener_up",
                        "switchboard_state_store_up",
                        "switchboard_auth_refused_total",
                        "switchboard_invocation_duration_seconds_bucket",
                        "switchboard_mcp_requests_seconds_count");
    }

    @Test
    void theCheckRefusesUnknownMetricsLabelsAndValues() {
        Scrape scrape = Scrape.parse("""
                # HELP x
                switchboard_connections_open 3.0
                switchboard_connections_closed_total{reason="slow_consumer"} 1.0
                """);
        assertThat(check("sum by (instance) (switchboard_connections_open)", scrape))
                .containsExactly("switchboard_connections_open");
        assertThatThrownBy(() -> check("sum(switchboard_connections_opne)", scrape))
                .hasMessageContaining("opne");
        assertThatThrownBy(() -> check("sum by (replica) (switchboard_connections_open)", scrape))
                .hasMessageContaining("replica");
        assertThatThrownBy(() -> check("increase(switchboard_connections_closed_total{reason=\"slow\"}[5m])", scrape))
                .hasMessageContaining("slow");
    }

    /** @return the metrics the query names, having checked each with its labels against the scrape */
    static Set<String> check(String query, Scrape scrape) {
        String expr = query.replace("$__rate_interval", "5m").replaceAll("\\[[^\\]]*]", "");
        // Prometheus templates in alert annotations never reach here: only expressions do
        Set<String> metrics = new LinkedHashSet<>();
        Matcher selector = SELECTOR.matcher(expr);
        StringBuilder bare = new StringBuilder();
        while (selector.find()) {
            String metric = selector.group(1);
            metrics.add(metric);
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                String label = matcher.group(1);
                String op = matcher.group(2);
                assertThat(scrape.hasLabel(metric, label))
                        .as("%s has label %s (in: %s)", metric, label, query)
                        .isTrue();
                if (op.equals("=") || op.equals("!=")) {
                    assertThat(scrape.hasValue(metric, label, matcher.group(3)))
                            .as("%s has a series with %s=\"%s\" (in: %s)", metric, label, matcher.group(3), query)
                            .isTrue();
                }
            }
            selector.appendReplacement(bare, metric);
        }
        selector.appendTail(bare);
        Set<String> grouping = new HashSet<>();
        Matcher group = GROUPING.matcher(bare);
        while (group.find()) {
            for (String label : group.group(2).split(",")) {
                if (!label.isBlank()) {
                    grouping.add(label.trim());
                }
            }
        }
        String rest = GROUPING.matcher(bare).replaceAll(" ");
        Matcher id = IDENTIFIER.matcher(rest);
        while (id.find()) {
            String word = id.group();
            boolean call = rest.substring(id.end()).stripLeading().startsWith("(");
            boolean number = id.start() > 0 && Character.isDigit(rest.charAt(id.start() - 1));
            if (!call && !number && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                metrics.add(word);
            }
        }
        for (String metric : metrics) {
            if (!PROMETHEUS_SERIES.contains(metric)) {
                assertThat(scrape.series().containsKey(metric))
                        .as("the gateway exports %s (in: %s)", metric, query)
                        .isTrue();
            }
        }
        for (String label : grouping) {
            if (!TARGET_LABELS.contains(label)) {
                assertThat(metrics.stream().anyMatch(m -> scrape.hasLabel(m, label)))
                        .as("some metric of the query has label %s (in: %s)", label, query)
                        .isTrue();
            }
        }
        return metrics;
    }

    private static List<String> queries() throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.get("expr").asText());
            }
        }
        List<String> lines = Files.readAllLines(ALERTS);
        long alerts =
                lines.stream().filter(l -> l.trim().startsWith("- alert:")).count();
        List<String> exprs = lines.stream()
                .filter(l -> l.trim().startsWith("expr:"))
                .map(l -> l.trim().substring("expr:".length()).trim())
                .toList();
        assertThat(exprs)
                .as("one single-line expr per alert")
                .hasSize((int) alerts)
                .allSatisfy(
                        e -> assertThat(e).isNotBlank().doesNotStartWith("|").doesNotStartWith(">"));
        queries.addAll(exprs);
        return queries;
    }

    /** Starts a gateway on Redis, does what makes each series appear, and scrapes it. */
    private static String exercisedScrape() throws Exception {
        try (FunctionServer functions = FunctionServer.start();
                McpFunctionStub mcp = McpFunctionStub.start(false);
                Gateway g = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                        "REDIS_URL",
                        TestRedis.shared().url(),
                        "CLIENT_AUTH",
                        "api-key",
                        "API_KEYS",
                        "dash:" + ApiKeyHash.of(KEY))))) {
            String admin = "http://127.0.0.1:" + g.adminPort();
            String pub = "http://127.0.0.1:" + g.port();
            Map<String, String> key = Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json");
            assertThat(Http.postJson(
                                    admin + "/admin/functions",
                                    "{\"name\":\"dash-ok\",\"endpoint\":\"" + functions.url("/json") + "\"}")
                            .status())
                    .isEqualTo(201);
            assertThat(Http.postJson(
                                    admin + "/admin/functions",
                                    "{\"name\":\"dash-fail\",\"endpoint\":\"" + functions.url("/fail") + "\"}")
                            .status())
                    .isEqualTo(201);
            assertThat(Http.postJson(
                                    admin + "/admin/functions",
                                    "{\"name\":\"dash-mcp\",\"kind\":\"mcp\"," + "\"endpoint\":\"" + mcp.url() + "\"}")
                            .status())
                    .isEqualTo(201);
            assertThat(Http.send("POST", pub + "/invoke/dash-ok", "{\"payload\":1}", key)
                            .status())
                    .isEqualTo(200);
            assertThat(Http.send("POST", pub + "/invoke/dash-fail", "{\"payload\":1}", key)
                            .status())
                    .isEqualTo(502);
            assertThat(Http.postJson(pub + "/invoke/dash-ok", "{\"payload\":1}").status())
                    .as("no key")
                    .isEqualTo(401);
            Map<String, String> mcpHeaders = new HashMap<>(key);
            mcpHeaders.put("Accept", "application/json, text/event-stream");
            Http.Answer init = Http.send(
                    "POST",
                    pub + "/mcp/dash-mcp",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                            + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    mcpHeaders);
            assertThat(init.status()).as(init.body()).isEqualTo(200);
            mcpHeaders.put(
                    "Mcp-Session-Id",
                    init.headers().firstValue("Mcp-Session-Id").orElseThrow());
            mcpHeaders.put("MCP-Protocol-Version", "2025-11-25");
            Http.Answer listed = Http.send(
                    "POST",
                    pub + "/mcp/dash-mcp",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                    mcpHeaders);
            assertThat(listed.status()).as(listed.body()).isEqualTo(200);
            assertThat(Http.send("DELETE", pub + "/mcp/dash-mcp", null, mcpHeaders)
                            .status())
                    .isEqualTo(204);
            try (SseClient stream = SseClient.open(pub + "/sse/dash-client", key)) {
                assertThat(stream.next(WAIT).type()).isEqualTo("connected");
            }
            return Http.get(admin + "/metrics").body();
        }
    }
}
