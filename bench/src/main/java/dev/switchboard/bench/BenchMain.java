package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs every scenario against the gateway and its peers, started side by side in the same run, and writes
 * the figures as Markdown. {@code run-all} is the full run behind {@code docs/benchmarks.md};
 * {@code smoke} is the same code at toy sizes, for CI (it checks that every scenario runs and loses
 * nothing, never a timing).
 *
 * <pre>java -jar bench/target/switchboard-bench.jar run-all|smoke [--connections N] [--out FILE]</pre>
 */
public final class BenchMain {
    private BenchMain() {}

    /**
     * Sizes of one run.
     *
     * @param settle     how long a fresh server is left alone before its idle baseline is read (section 1)
     * @param callRounds rounds of sections 3 and 4 (every row of a round beside its baseline): a target is met only
     *                   when each round meets it
     * @param heldRuns   runs of sections 1 and 2 for the stream listener and nchan, each on a fresh process
     */
    record Plan(
            String mode,
            int connections,
            Duration heartbeat,
            Duration idle,
            Duration settle,
            int fanOutRepeats,
            int pipelined,
            int[] levels,
            Duration warmup,
            Duration measure,
            int callRounds,
            int crossSamples,
            int scaleConnections,
            int perProcess,
            Topics topics,
            int heldRuns) {
        static Plan full(int connections, int scaleConnections) {
            return new Plan(
                    "run-all",
                    connections,
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(30),
                    HeldConnections.SETTLE,
                    50,
                    200,
                    new int[] {1, 16, 64},
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(10),
                    CALL_ROUNDS,
                    300,
                    scaleConnections,
                    IdleAtScale.PER_PROCESS,
                    Topics.full(connections),
                    HeldRuns.RUNS);
        }

        /** @return this plan with sections 3 and 4 run {@code rounds} times */
        Plan withCallRounds(int rounds) {
            return with(rounds, topics);
        }

        /** @return this plan with section 7.1 run {@code runs} times */
        Plan withTopicRuns(int runs) {
            return with(
                    callRounds,
                    new Topics(
                            topics.one(),
                            topics.spread(),
                            topics.replicas(),
                            topics.replicaShape(),
                            topics.warmSpan(),
                            runs));
        }

        private Plan with(int callRounds, Topics topics) {
            return new Plan(
                    mode,
                    connections,
                    heartbeat,
                    idle,
                    settle,
                    fanOutRepeats,
                    pipelined,
                    levels,
                    warmup,
                    measure,
                    callRounds,
                    crossSamples,
                    scaleConnections,
                    perProcess,
                    topics,
                    heldRuns);
        }

        /** Toy sizes; the scale scenario still spans two herds and two replicas. */
        static Plan smoke() {
            return new Plan(
                    "smoke",
                    200,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    // the smoke run proves the harness, not the baseline: a second, not ten, per server
                    Duration.ofSeconds(1),
                    3,
                    20,
                    new int[] {4},
                    Duration.ofMillis(300),
                    Duration.ofSeconds(1),
                    // two rounds: the per-round judgement runs, at a toy size
                    2,
                    20,
                    300,
                    150,
                    Topics.smoke(),
                    // two runs of section 1: the medians and spreads are computed, at a toy size (each run of the
                    // four servers is about 45 s of the smoke's 4-5 minutes)
                    2);
        }
    }

    /**
     * Sizes of the topic scenarios (section 7).
     *
     * @param one      7.1: one topic, every subscriber on it
     * @param spread   7.2: many topics, a few subscribers each, publishes spread over them
     * @param replicas 7.3: the fleet sizes, each holding {@code replicaShape}'s subscribers in total
     * @param warmSpan 7.1: the least time from the subscribers' opening to the measured quiet phase
     * @param runs     7.1's runs, each on a fresh gateway: a target is met only when every run meets it
     */
    record Topics(
            TopicFanOut.Shape one,
            TopicFanOut.Shape spread,
            int[] replicas,
            TopicFanOut.Shape replicaShape,
            Duration warmSpan,
            int runs) {
        /** The sizes at 10,000 connections: 1 × 10,000, 1,000 × 10, and 1,000 × 10 over 1, 2, 4 replicas. */
        static Topics full(int connections) {
            int topics = Math.max(4, connections / 10);
            return new Topics(
                    new TopicFanOut.Shape(1, connections, 100, 200, 1, 4),
                    new TopicFanOut.Shape(topics, 10, 0, 5 * topics, 4, 64),
                    new int[] {1, 2, 4},
                    new TopicFanOut.Shape(topics, 10, 0, 2 * topics, 1, 1),
                    // a JVM server's one C2 thread (two cores) works through the publish and fan-out paths for
                    // 20-30 s after the herd opened (JIT log, bench/notes.md)
                    Duration.ofSeconds(45),
                    TOPIC_RUNS);
        }

        static Topics smoke() {
            return new Topics(
                    new TopicFanOut.Shape(1, 100, 3, 20, 1, 4),
                    new TopicFanOut.Shape(20, 3, 0, 60, 2, 8),
                    new int[] {1, 2},
                    new TopicFanOut.Shape(8, 3, 0, 24, 1, 1),
                    Duration.ZERO,
                    // two runs: the run-by-run judgement runs, at a toy size
                    2);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("herd")) {
            herd(args);
            return;
        }
        if (args.length == 0
                || !(args[0].equals("run-all")
                        || args[0].equals("smoke")
                        || args[0].equals("soak")
                        || args[0].equals("fuzz")
                        || args[0].equals("monitor")
                        || args[0].equals("topics")
                        || args[0].equals("calls")
                        || args[0].equals("calls-ab")
                        || args[0].equals("floor")
                        || args[0].equals("clients")
                        || args[0].equals("churn")
                        || args[0].equals("mcp-idle")
                        || args[0].equals("held"))) {
            System.err.println("usage: run-all|smoke [--connections N] [--scale N] [--out FILE] [--root DIR]"
                    + " | topics [--connections N] [--rounds N] [--root DIR] | calls [--rounds N] [--root DIR] | clients [--root DIR]"
                    + " | calls-ab --base DIR [--rounds N] [--root DIR] | floor [--rounds N] [--root DIR]"
                    + " | churn [--rounds N] [--root DIR]"
                    + " | held [--connections N] [--events N] [--root DIR] | mcp-idle [--connections N] [--root DIR]"
                    + " | soak [--minutes M] [--root DIR] | fuzz [--cases N] [--minutes M] [--seed S]"
                    + " | monitor [--connections N] [--root DIR]");
            System.exit(2);
        }
        int connections = 10_000;
        int scale = 50_000;
        double minutes = -1;
        int cases = 100_000;
        Long seed = null;
        int rounds = 3;
        int events = -1;
        Path out = null;
        Path base = null;
        Path root = Path.of(".").toAbsolutePath().normalize();
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--scale" -> scale = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--root" -> root = Path.of(args[i + 1]).toAbsolutePath().normalize();
                case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
                case "--cases" -> cases = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--base" -> base = Path.of(args[i + 1]).toAbsolutePath().normalize();
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                // the sustained fan-out's events (default 200): fewer on a machine too busy to send 200 x N in 120 s
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (args[0].equals("soak")) {
            soak(root, Duration.ofSeconds(Math.round((minutes < 0 ? 30 : minutes) * 60)));
            return;
        }
        if (args[0].equals("monitor")) {
            try (Rig rig = new Rig(root, Files.createTempDirectory("switchboard-bench"))) {
                String section = MonitorCost.markdown(
                        MonitorCost.run(rig, connections, Duration.ofSeconds(20)),
                        "bench/run-all --monitor " + connections);
                System.out.println(section);
                // kept apart, like the soak's section, and added to docs/benchmarks.md by every full run
                Files.writeString(root.resolve("bench/monitor-result.md"), section);
            }
            return;
        }
        if (args[0].equals("fuzz")) {
            WireFuzz.run(
                            root,
                            seed == null ? new java.util.Random().nextLong() : seed,
                            cases,
                            Duration.ofSeconds(Math.round((minutes < 0 ? 10 : minutes) * 60)))
                    .assertClean();
            return;
        }
        if (args[0].equals("churn")) {
            System.out.println(churnOnly(
                    Plan.full(connections, scale), rounds, root, Files.createTempDirectory("switchboard-bench")));
            return;
        }
        if (args[0].equals("held")) {
            Plan full = Plan.full(connections, scale);
            if (events > 0) {
                full = new Plan(
                        full.mode(),
                        full.connections(),
                        full.heartbeat(),
                        full.idle(),
                        full.settle(),
                        full.fanOutRepeats(),
                        events,
                        full.levels(),
                        full.warmup(),
                        full.measure(),
                        full.callRounds(),
                        full.crossSamples(),
                        full.scaleConnections(),
                        full.perProcess(),
                        full.topics(),
                        full.heldRuns());
            }
            System.out.println(heldOnly(full, root, Files.createTempDirectory("switchboard-bench")));
            return;
        }
        if (args[0].equals("mcp-idle")) {
            System.out.println(
                    mcpIdleOnly(Plan.full(connections, scale), root, Files.createTempDirectory("switchboard-bench")));
            return;
        }
        if (args[0].equals("topics")) {
            System.out.println(topicsOnly(
                    Plan.full(connections, scale).withTopicRuns(rounds),
                    root,
                    Files.createTempDirectory("switchboard-bench")));
            return;
        }
        if (args[0].equals("clients")) {
            try (Rig rig = new Rig(root, Files.createTempDirectory("switchboard-bench"))) {
                Duration warmup = Duration.ofSeconds(3);
                Duration measure = Duration.ofSeconds(5);
                log("client A/B");
                System.out.println(ClientAB.markdown(
                        ClientAB.run(rig.echo().uri(), new int[] {1, 16, 64}, warmup, measure), warmup, measure));
            }
            return;
        }
        if (args[0].equals("calls-ab")) {
            if (base == null) {
                throw new IllegalArgumentException("calls-ab needs --base DIR (the build to compare with)");
            }
            System.out.println(CallsAB.run(root, base, rounds, Files.createTempDirectory("switchboard-bench")));
            return;
        }
        if (args[0].equals("floor")) {
            Plan full = Plan.full(connections, scale);
            System.out.println(CallFloor.run(
                    root,
                    Files.createTempDirectory("switchboard-bench"),
                    full.levels(),
                    rounds,
                    full.warmup(),
                    full.measure()));
            return;
        }
        if (args[0].equals("calls")) {
            System.out.println(callsOnly(
                    Plan.full(connections, scale).withCallRounds(rounds),
                    root,
                    Files.createTempDirectory("switchboard-bench")));
            return;
        }
        Plan plan = args[0].equals("smoke") ? Plan.smoke() : Plan.full(connections, scale);
        String report = run(plan, root, Files.createTempDirectory("switchboard-bench"));
        if (out == null) {
            System.out.println(report);
        } else {
            Files.writeString(out, report);
            System.out.println("wrote " + out);
        }
    }

    /**
     * @return the Markdown report
     * @throws IllegalStateException when a scenario fails or loses events
     */
    static String run(Plan plan, Path root, Path work) throws IOException, InterruptedException {
        Report report = new Report(plan, root);
        log("machine: " + Machine.describe());
        try (Rig rig = new Rig(root, work)) {
            Rig.Server echo = rig.echo();
            Rig.Server mcp = rig.mcpFunction();
            Optional<Rig.Server> nginx =
                    rig.nginx(echo.port(), (int) plan.heartbeat().toSeconds(), plan.connections() + 100);
            Map<String, String> gatewayConfig = gatewayConfig(plan);

            // 1 + 2: idle connections and fan-out, the gateway then nchan
            held(rig, plan, report, echo, mcp, gatewayConfig, nginx.isPresent(), true);

            // 1 at scale: several herd processes against several replicas (one Redis) and nginx workers
            Optional<Rig.Server> redis = rig.redis();
            if (plan.scaleConnections() > 0) {
                report.scale(scale(rig, plan, redis.orElse(null), echo), plan);
            }

            // 3 + 4: call overhead, on a fresh gateway with nothing held
            Rig.Server gateway = rig.gateway("bench-gw-calls", gatewayConfig);
            Rig.registerExamples(gateway, echo, mcp);
            int mcpConcurrency = callOverhead(plan, report, echo, mcp, nginx, gateway);

            // 5 + 6 on Redis: two replicas
            List<Rig.Server> fleet = new ArrayList<>();
            if (redis.isPresent()) {
                fleet.add(rig.gateway("bench-a", fleetConfig(gatewayConfig, redis.get())));
                fleet.add(rig.gateway("bench-b", fleetConfig(gatewayConfig, redis.get())));
                Rig.Server a = fleet.get(0);
                Rig.Server b = fleet.get(1);
                Rig.registerExamples(a, echo, mcp);
                awaitFunction(b);
                log("cross-replica delivery");
                report.crossReplica(CrossReplica.run(a, b, plan.crossSamples()));
                // 6: the in-memory gateway of 3 + 4 and the first replica, alternated round by round after both
                // are warm (ChurnRounds.run)
                report.churn(ChurnRounds.run(gateway.uri(), a.uri(), mcpConcurrency, plan, CHURN_ROUNDS));
            } else {
                log("session churn: no redis-server, section 6 skipped");
            }
            rig.stop(gateway);

            // 7: topics, the gateway beside nchan, then the fleet (growing the one of section 5)
            topics(rig, plan, report, gatewayConfig, nginx, redis, fleet);
        }
        if (!report.problems().isEmpty()) {
            throw new IllegalStateException("the run measured failures: " + report.problems());
        }
        return report.markdown();
    }

    /** Sections 1 and 2 only, printed: {@code held [--connections N]}; fails when memory does not conclude. */
    static String heldOnly(Plan plan, Path root, Path work) throws IOException, InterruptedException {
        Report report = new Report(plan, root);
        try (Rig rig = new Rig(root, work)) {
            Rig.Server echo = rig.echo();
            Rig.Server mcp = rig.mcpFunction();
            boolean nchan = rig.nginxAvailable();
            held(rig, plan, report, echo, mcp, gatewayConfig(plan), nchan, false);
        }
        String markdown = report.heldMarkdown();
        if (!report.problems().isEmpty()) {
            System.out.println(markdown);
            throw new IllegalStateException("the run does not conclude or measured failures: " + report.problems());
        }
        return markdown;
    }

    /**
     * The MCP rows of section 1 alone, each kind once on a fresh gateway: {@code mcp-idle [--connections N]}, for
     * looking into what an MCP stream costs ({@code -Dbench.diagnose=DIR} keeps class histograms and native
     * memory summaries; {@code -Dbench.gatewayOptions=...} adds JVM options to the gateway).
     */
    static String mcpIdleOnly(Plan plan, Path root, Path work) throws IOException, InterruptedException {
        Report report = new Report(plan, root);
        try (Rig rig = new Rig(root, work)) {
            Rig.Server echo = rig.echo();
            Rig.Server mcp = rig.mcpFunction();
            Map<String, String> config = gatewayConfig(plan);
            // nchan in the same run, so that the figures are read as ratios of one moment's load
            List<HeldConnections.Result> nchanRuns = new ArrayList<>();
            Optional<Rig.Server> nginx =
                    rig.nginx(echo.port(), (int) plan.heartbeat().toSeconds(), plan.connections() + 100);
            if (nginx.isPresent()) {
                log("held connections: nginx+nchan, %d".formatted(plan.connections()));
                nchanRuns.add(HeldConnections.run(
                        nginx.get(),
                        HeldConnections.nchan(),
                        false,
                        plan.connections(),
                        plan.idle(),
                        plan.settle(),
                        plan.heartbeat(),
                        plan.fanOutRepeats(),
                        plan.pipelined()));
                rig.stop(nginx.get());
            }
            report.mcpIdle(
                    List.of(mcpIdle(rig, plan, echo, mcp, config, McpIdleStreams.Kind.STANDALONE, 1)),
                    List.of(mcpIdle(rig, plan, echo, mcp, config, McpIdleStreams.Kind.HTTP_SSE, 1)),
                    List.of(
                            mcpIdle(rig, plan, echo, mcp, config, McpIdleStreams.Kind.STANDALONE_PUBLIC, 1),
                            mcpIdle(rig, plan, echo, mcp, config, McpIdleStreams.Kind.HTTP_SSE_PUBLIC, 1)),
                    nchanRuns);
        }
        return report.heldMarkdown();
    }

    /**
     * Sections 1 and 2: the stream listener and nchan {@link Plan#heldRuns()} times each, alternating, each run on
     * a fresh process (so that no run's garbage or pools count in the next); the public listener once.
     */
    private static void held(
            Rig rig,
            Plan plan,
            Report report,
            Rig.Server echo,
            Rig.Server mcp,
            Map<String, String> gatewayConfig,
            boolean nchan,
            boolean publicListener)
            throws IOException, InterruptedException {
        List<HeldConnections.Result> streamRuns = new ArrayList<>();
        List<HeldConnections.Result> nchanRuns = new ArrayList<>();
        List<McpIdleStreams.Result> mcpRuns = new ArrayList<>();
        List<McpIdleStreams.Result> legacyRuns = new ArrayList<>();
        for (int run = 1; run <= plan.heldRuns(); run++) {
            Rig.Server gateway = rig.gateway("bench-gw-" + run, gatewayConfig);
            Rig.registerExamples(gateway, echo, mcp);
            log("held connections: %s, %d, run %d of %d"
                    .formatted(HeldConnections.STREAM_LISTENER, plan.connections(), run, plan.heldRuns()));
            streamRuns.add(HeldConnections.run(
                    gateway,
                    HeldConnections.gatewayStreams(),
                    true,
                    plan.connections(),
                    plan.idle(),
                    plan.settle(),
                    plan.heartbeat(),
                    plan.fanOutRepeats(),
                    plan.pipelined()));
            rig.stop(gateway);
            mcpRuns.add(mcpIdle(rig, plan, echo, mcp, gatewayConfig, McpIdleStreams.Kind.STANDALONE, run));
            legacyRuns.add(mcpIdle(rig, plan, echo, mcp, gatewayConfig, McpIdleStreams.Kind.HTTP_SSE, run));
            if (nchan) {
                Rig.Server nginx = rig.nginx(echo.port(), (int) plan.heartbeat().toSeconds(), plan.connections() + 100)
                        .orElseThrow();
                log("held connections: nginx+nchan, %d, run %d of %d"
                        .formatted(plan.connections(), run, plan.heldRuns()));
                nchanRuns.add(HeldConnections.run(
                        nginx,
                        HeldConnections.nchan(),
                        false,
                        plan.connections(),
                        plan.idle(),
                        plan.settle(),
                        plan.heartbeat(),
                        plan.fanOutRepeats(),
                        plan.pipelined()));
                rig.stop(nginx);
            }
        }
        List<HeldRuns.Summary> repeated = new ArrayList<>();
        repeated.add(new HeldRuns.Summary(HeldConnections.STREAM_LISTENER, streamRuns));
        if (nchan) {
            repeated.add(new HeldRuns.Summary("nginx+nchan", nchanRuns));
        }
        List<HeldConnections.Result> rows = new ArrayList<>();
        rows.add(repeated.getFirst().medians());
        if (publicListener) {
            // a fresh gateway, so that neither transport's garbage counts against the other
            Rig.Server gateway = rig.publicListenerGateway("bench-gw-public", gatewayConfig);
            Rig.registerExamples(gateway, echo, mcp);
            log("held connections: " + HeldConnections.PUBLIC_LISTENER + ", " + plan.connections());
            rows.add(HeldConnections.run(
                    gateway,
                    HeldConnections.gateway(),
                    true,
                    plan.connections(),
                    plan.idle(),
                    plan.settle(),
                    plan.heartbeat(),
                    plan.fanOutRepeats(),
                    plan.pipelined()));
            rig.stop(gateway);
        }
        if (nchan) {
            rows.add(repeated.get(1).medians());
        }
        report.held(rows, nchan, repeated);
        List<McpIdleStreams.Result> onPublic = List.of(
                mcpIdle(rig, plan, echo, mcp, gatewayConfig, McpIdleStreams.Kind.STANDALONE_PUBLIC, 1),
                mcpIdle(rig, plan, echo, mcp, gatewayConfig, McpIdleStreams.Kind.HTTP_SSE_PUBLIC, 1));
        report.mcpIdle(mcpRuns, legacyRuns, onPublic, nchan ? nchanRuns : List.of());
    }

    /** Section 1's MCP rows: idle MCP streams of one kind on a fresh gateway. */
    private static McpIdleStreams.Result mcpIdle(
            Rig rig,
            Plan plan,
            Rig.Server echo,
            Rig.Server mcp,
            Map<String, String> gatewayConfig,
            McpIdleStreams.Kind kind,
            int run)
            throws IOException, InterruptedException {
        String name = "bench-gw-mcp-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + run;
        Rig.Server gateway = kind.onStreamListener
                ? rig.gateway(name, gatewayConfig)
                : rig.publicListenerGateway(name, gatewayConfig);
        try {
            Rig.registerExamples(gateway, echo, mcp);
            log("held connections: %s, %d, run %d".formatted(kind.row, plan.connections(), run));
            // the stream listener serves the whole MCP endpoint; the public listener's figures are kept beside
            int port = kind.onStreamListener ? gateway.streamPort() : gateway.port();
            return McpIdleStreams.run(gateway, kind, port, plan.connections(), plan.idle(), plan.heartbeat());
        } finally {
            rig.stop(gateway);
        }
    }

    /**
     * Sections 3 and 4: {@code /invoke} beside nginx's {@code proxy_pass} at every level, and MCP
     * {@code tools/call} through the gateway beside the direct call, on a gateway with nothing held.
     *
     * @return the concurrency the MCP rows ran at
     */
    private static int callOverhead(
            Plan plan, Report report, Rig.Server echo, Rig.Server mcp, Optional<Rig.Server> nginx, Rig.Server gateway)
            throws IOException, InterruptedException {
        report.invoke(InvokeOverhead.run(
                echo.uri(),
                nginx.map(Rig.Server::uri).orElse(null),
                gateway.uri(),
                gateway.streamPort() < 0 ? null : URI.create("http://127.0.0.1:" + gateway.streamPort()),
                plan.levels(),
                plan.callRounds(),
                plan.warmup(),
                plan.measure()));
        int mcpConcurrency = plan.levels()[plan.levels().length / 2];
        // the function is a JVM that nothing has called yet in a `calls` run: a measurement's length of direct
        // calls first, so that the direct row and the gateway's rows (run after it) find it equally warm
        LoadLoop.run(
                mcp.uri(),
                Requests::directToolsCall,
                Requests::isToolResult,
                mcpConcurrency,
                plan.measure(),
                Duration.ofSeconds(1));
        List<Report.McpRound> rounds = new ArrayList<>();
        for (int round = 1; round <= plan.callRounds(); round++) {
            log("MCP tools/call, round %d of %d".formatted(round, plan.callRounds()));
            List<Interleaved.Target> targets = new ArrayList<>(List.of(
                    new Interleaved.Target(mcp.uri(), Requests::directToolsCall, Requests::isToolResult),
                    new Interleaved.Target(gateway.uri(), Requests::gatewayToolsCall, Requests::isToolResult)));
            if (gateway.streamPort() >= 0) {
                // the URL MCP clients are given where STREAM_PORT is set (Compose, the operator): the whole endpoint
                URI stream = URI.create("http://127.0.0.1:" + gateway.streamPort());
                targets.add(new Interleaved.Target(stream, Requests::gatewayToolsCall, Requests::isToolResult));
                // the resumable answer: a primed SSE stream whose response is logged, for a client that accepts
                // only SSE
                targets.add(new Interleaved.Target(stream, Requests::gatewayToolsCallSse, Requests::isToolResult));
            }
            List<LoadLoop.Result> results = Interleaved.run(targets, mcpConcurrency, plan.warmup(), plan.measure());
            LoadLoop.Result direct = results.get(0);
            LoadLoop.Result through = results.get(1);
            LoadLoop.Result throughStream = results.size() > 2 ? results.get(2) : null;
            LoadLoop.Result throughStreamSse = results.size() > 3 ? results.get(3) : null;
            rounds.add(new Report.McpRound(direct, through, throughStream, throughStreamSse));
        }
        report.mcp(mcpConcurrency, rounds);
        return mcpConcurrency;
    }

    /**
     * Sections 3 and 4 only, printed: {@code calls}. The function-call figures in a few minutes, for A/B runs
     * of the function-call engine; every row still runs beside its baseline in the same run.
     */
    static String callsOnly(Plan plan, Path root, Path work) throws IOException, InterruptedException {
        Report report = new Report(plan, root);
        try (Rig rig = new Rig(root, work)) {
            Rig.Server echo = rig.echo();
            Rig.Server mcp = rig.mcpFunction();
            Optional<Rig.Server> nginx =
                    rig.nginx(echo.port(), (int) plan.heartbeat().toSeconds(), plan.connections() + 100);
            Rig.Server gateway = rig.gateway("bench-gw-calls", gatewayConfig(plan));
            Rig.registerExamples(gateway, echo, mcp);
            int mcpConcurrency = callOverhead(plan, report, echo, mcp, nginx, gateway);
            // the gateway's own CPU per call, warm: what a saturated shared machine blurs least
            StringBuilder cpu = new StringBuilder("## Gateway CPU per call (warm, 5 s per row)\n\n"
                    + "| Call | Concurrency | Calls/s | Gateway CPU per call |\n| --- | --- | --- | --- |\n");
            Duration window = Duration.ofSeconds(5);
            for (int c : plan.levels()) {
                long before = gateway.proc().cpuMillis();
                LoadLoop.Result r = LoadLoop.run(
                        gateway.uri(),
                        Requests::gatewayInvoke,
                        a -> a.status() == 200 && a.text().contains("\"success\":true"),
                        c,
                        Duration.ZERO,
                        window);
                cpu.append("| /invoke | %d | %,.0f | %.1f µs |\n"
                        .formatted(
                                c,
                                r.throughput(),
                                (gateway.proc().cpuMillis() - before) * 1000.0 / Math.max(1, r.requests())));
            }
            URI streamPort = URI.create("http://127.0.0.1:" + gateway.streamPort());
            long beforeStream = gateway.proc().cpuMillis();
            LoadLoop.Result onStream = LoadLoop.run(
                    streamPort,
                    Requests::gatewayInvoke,
                    a -> a.status() == 200 && a.text().contains("\"success\":true"),
                    mcpConcurrency,
                    Duration.ZERO,
                    window);
            cpu.append("| /invoke (STREAM_PORT) | %d | %,.0f | %.1f µs |\n"
                    .formatted(
                            mcpConcurrency,
                            onStream.throughput(),
                            (gateway.proc().cpuMillis() - beforeStream) * 1000.0 / Math.max(1, onStream.requests())));
            long before = gateway.proc().cpuMillis();
            LoadLoop.Result r = LoadLoop.run(
                    gateway.uri(),
                    Requests::gatewayToolsCall,
                    Requests::isToolResult,
                    mcpConcurrency,
                    Duration.ZERO,
                    window);
            cpu.append("| MCP tools/call (PORT) | %d | %,.0f | %.1f µs |\n"
                    .formatted(
                            mcpConcurrency,
                            r.throughput(),
                            (gateway.proc().cpuMillis() - before) * 1000.0 / Math.max(1, r.requests())));
            before = gateway.proc().cpuMillis();
            r = LoadLoop.run(
                    URI.create("http://127.0.0.1:" + gateway.streamPort()),
                    Requests::gatewayToolsCall,
                    Requests::isToolResult,
                    mcpConcurrency,
                    Duration.ZERO,
                    window);
            cpu.append("| MCP tools/call (STREAM_PORT) | %d | %,.0f | %.1f µs |\n"
                    .formatted(
                            mcpConcurrency,
                            r.throughput(),
                            (gateway.proc().cpuMillis() - before) * 1000.0 / Math.max(1, r.requests())));
            rig.stop(gateway);
            if (!report.problems().isEmpty()) {
                throw new IllegalStateException("the run measured failures: " + report.problems());
            }
            return report.callsMarkdown() + "\n" + cpu;
        }
    }

    /**
     * Section 6 alone, printed: {@code churn [--rounds N]}. The in-memory gateway and a Redis fleet of two
     * replicas (sessions opened on the first) run side by side, measured in turn {@code rounds} times, each
     * after a warm-up; the ratio is taken per round, so that both rates of a ratio share the machine's state.
     */
    static String churnOnly(Plan plan, int rounds, Path root, Path work) throws IOException, InterruptedException {
        try (Rig rig = new Rig(root, work)) {
            Rig.Server echo = rig.echo();
            Rig.Server mcp = rig.mcpFunction();
            Map<String, String> gatewayConfig = gatewayConfig(plan);
            Rig.Server memory = rig.gateway("bench-churn-memory", gatewayConfig);
            Rig.registerExamples(memory, echo, mcp);
            Rig.Server redis = rig.redis().orElseThrow(() -> new IllegalStateException("redis-server is needed"));
            Rig.Server a = rig.gateway("bench-churn-a", fleetConfig(gatewayConfig, redis));
            Rig.Server b = rig.gateway("bench-churn-b", fleetConfig(gatewayConfig, redis));
            Rig.registerExamples(a, echo, mcp);
            awaitFunction(b);
            int concurrency = plan.levels()[plan.levels().length / 2];
            // B opens no session: what the fleet's churn costs a replica that serves none of it
            long idleCpuBefore = b.proc().cpuMillis();
            long started = System.nanoTime();
            ChurnRounds.Result result = ChurnRounds.run(memory.uri(), a.uri(), concurrency, plan, rounds);
            double seconds = (System.nanoTime() - started) / 1e9;
            Long signals = ReplicaFanOut.metric(b, "switchboard_session_signals_received_total");
            String table = result.table() + "per measurement. Machine: " + Machine.describe() + "\n\n"
                    + String.format(
                            "Replica B (on the same Redis, opens no session): %.1f ms of CPU per second over the %.0f s"
                                    + " of rounds; session signals received: %s.%n",
                            (b.proc().cpuMillis() - idleCpuBefore) / seconds,
                            seconds,
                            signals == null ? "n/a (not exported)" : signals.toString());
            if (result.failures() > 0) {
                throw new IllegalStateException("session churn failed sessions: " + result.failures() + "\n" + table);
            }
            return table;
        }
    }

    /** Section 7 only, printed: {@code topics [--connections N]}. */
    static String topicsOnly(Plan plan, Path root, Path work) throws IOException, InterruptedException {
        Report report = new Report(plan, root);
        try (Rig rig = new Rig(root, work)) {
            Map<String, String> gatewayConfig = gatewayConfig(plan);
            Optional<Rig.Server> nginx =
                    rig.nginx(rig.echo().port(), (int) plan.heartbeat().toSeconds(), plan.connections() + 100);
            topics(rig, plan, report, gatewayConfig, nginx, rig.redis(), new ArrayList<>());
        }
        if (!report.problems().isEmpty()) {
            throw new IllegalStateException("the run measured failures: " + report.problems());
        }
        return report.topicsMarkdown();
    }

    /**
     * Section 7: publish to one topic and to many (a fresh gateway with the in-memory store, as nchan keeps
     * its channels in memory), then the fleet at each size of {@code plan.topics().replicas()}.
     *
     * @param fleet replicas already on {@code redis}, grown as needed (and used from the first)
     */
    private static void topics(
            Rig rig,
            Plan plan,
            Report report,
            Map<String, String> gatewayConfig,
            Optional<Rig.Server> nginx,
            Optional<Rig.Server> redis,
            List<Rig.Server> fleet)
            throws IOException, InterruptedException {
        Topics sizes = plan.topics();
        List<Report.TopicRun> runs = new ArrayList<>();
        List<TopicFanOut.Result> spread = new ArrayList<>();
        for (int run = 1; run <= sizes.runs(); run++) {
            // a fresh gateway per run, as sections 1 and 2 start fresh servers for each of theirs; nginx is the full
            // run's one, so each run publishes to channels of its own
            Rig.Server gateway = rig.gateway("bench-gw-topics-" + run, gatewayConfig);
            TopicFanOut.Target gw = TopicFanOut.inRun(TopicFanOut.gateway(), run);
            TopicFanOut.Target nchan = TopicFanOut.inRun(TopicFanOut.nchan(), run);
            TopicFanOut.Shape one = sizes.one();
            log("topics: run %d of %d, gateway, %d x %d".formatted(run, sizes.runs(), one.topics(), one.perTopic()));
            TopicFanOut.Result g = TopicFanOut.run(gateway, gw, one, plan.heartbeat(), sizes.warmSpan());
            TopicFanOut.Result n = null;
            if (nginx.isPresent()) {
                log("topics: run %d of %d, nginx+nchan, %d x %d"
                        .formatted(run, sizes.runs(), one.topics(), one.perTopic()));
                n = TopicFanOut.run(nginx.get(), nchan, one, plan.heartbeat(), sizes.warmSpan());
            }
            runs.add(new Report.TopicRun(g, n));
            if (run == sizes.runs()) {
                // 7.2 has no target of its own: measured once, after the last run's 7.1, as before
                TopicFanOut.Shape shape = sizes.spread();
                log("topics: gateway, %d x %d".formatted(shape.topics(), shape.perTopic()));
                spread.add(TopicFanOut.run(gateway, gw, shape, plan.heartbeat(), sizes.warmSpan()));
                if (nginx.isPresent()) {
                    log("topics: nginx+nchan, %d x %d".formatted(shape.topics(), shape.perTopic()));
                    spread.add(TopicFanOut.run(nginx.get(), nchan, shape, plan.heartbeat(), sizes.warmSpan()));
                }
            }
            rig.stop(gateway);
        }
        report.topics(runs, spread, nginx.isPresent());
        if (redis.isEmpty()) {
            report.replicas(List.of());
            return;
        }
        List<ReplicaFanOut.Result> replicas = new ArrayList<>();
        TopicFanOut.Shape shape = sizes.replicaShape();
        for (int r : sizes.replicas()) {
            while (fleet.size() < r) {
                fleet.add(rig.gateway("bench-topics-" + fleet.size(), fleetConfig(gatewayConfig, redis.get())));
            }
            log("topics: %d x %d over %d replicas".formatted(shape.topics(), shape.perTopic(), r));
            replicas.add(ReplicaFanOut.run(fleet.subList(0, r), shape.topics(), shape.perTopic(), shape.loadEvents()));
        }
        report.replicas(replicas);
    }

    /** A gateway configuration for the plan's connections from the herd. */
    private static Map<String, String> gatewayConfig(Plan plan) {
        return Map.of(
                "HEARTBEAT_INTERVAL", plan.heartbeat().toSeconds() + "s",
                "MAX_CONNECTIONS", String.valueOf(plan.connections() + 100),
                "MAX_CONNECTIONS_PER_CLIENT", String.valueOf(plan.connections() + 100),
                // the herd is many clients on eight loopback addresses: no per-address caps
                "MAX_STREAMS_PER_IP", String.valueOf(plan.connections() + 100),
                // the MCP rows' streams are all anonymous: one identity
                "MAX_STREAMS_PER_IDENTITY", String.valueOf(plan.connections() + 100),
                "MAX_PENDING_HEADS_PER_IP", "1000000",
                // section 7's publisher, on the stream listener as a publisher facing the gateway would be
                "API_KEYS", TopicFanOut.publisherKeyEntry());
    }

    /** Section 6's rounds in a full run: the target is met only when each of them meets it. */
    static final int CHURN_ROUNDS = 3;

    /** Rounds of sections 3 and 4 in a full run, judged as section 6's. */
    static final int CALL_ROUNDS = 3;

    /** Runs of section 7.1 in a full run, judged as sections 1 and 2's. */
    static final int TOPIC_RUNS = 3;

    private static Map<String, String> fleetConfig(Map<String, String> gatewayConfig, Rig.Server redis) {
        Map<String, String> fleet = new java.util.HashMap<>(gatewayConfig);
        fleet.put("REDIS_URL", "redis://127.0.0.1:" + redis.port());
        return fleet;
    }

    /**
     * Runs the soak and keeps its section: in {@code bench/soak-result.md} (which every run-all appends) and
     * in place in {@code docs/benchmarks.md}.
     */
    static String soak(Path root, Duration length) throws IOException, InterruptedException {
        return Soak.markdown(soakResult(root, length), "bench/run-all --soak " + minutes(length));
    }

    private static String minutes(Duration length) {
        long seconds = length.toSeconds();
        return seconds % 60 == 0 ? String.valueOf(seconds / 60) : String.valueOf(seconds / 60.0);
    }

    /** Runs a soak; one of a minute or more is recorded, and fails on any lost or repeated event. */
    static Soak.Result soakResult(Path root, Duration length) throws IOException, InterruptedException {
        Soak.Result result;
        try (Rig rig = new Rig(root, Files.createTempDirectory("switchboard-soak"))) {
            result = Soak.run(rig, length);
        }
        String section = Soak.markdown(result, "bench/run-all --soak " + minutes(length));
        System.out.println(section);
        if (length.toMinutes() >= 1) {
            Files.writeString(root.resolve("bench/soak-result.md"), section);
            Path doc = root.resolve("docs/benchmarks.md");
            if (Files.exists(doc)) {
                String text = Files.readString(doc);
                int at = text.indexOf("## Soak\n");
                if (at >= 0) {
                    int next = text.indexOf("\n## ", at + 1);
                    text = text.substring(0, at) + section + (next < 0 ? "" : text.substring(next + 1));
                } else {
                    text = text + "\n" + section;
                }
                Files.writeString(doc, text);
            }
        }
        if (length.toMinutes() >= 1 && (result.lost() > 0 || result.duplicated() > 0 || result.dropped() > 0)) {
            throw new IllegalStateException("the soak lost " + result.lost() + ", duplicated " + result.duplicated()
                    + " and dropped " + result.dropped() + " streams");
        }
        return result;
    }

    /** A child herd process ({@link HerdProcess}): {@code herd --port P --path X --count N --block K}. */
    private static void herd(String[] args) throws IOException {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        HerdProcess.child(
                Integer.parseInt(options.get("--port")), options.get("--path"),
                Integer.parseInt(options.get("--count")), Integer.parseInt(options.get("--block")));
    }

    /** Scenario 1 at {@code plan.scaleConnections()}: the gateway fleet, then nginx with as many workers. */
    private static List<IdleAtScale.Result> scale(Rig rig, Plan plan, Rig.Server redis, Rig.Server echo)
            throws IOException, InterruptedException {
        int n = plan.scaleConnections();
        int processes = IdleAtScale.processes(n, plan.perProcess());
        int share = (n + processes - 1) / processes;
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "HEARTBEAT_INTERVAL",
                plan.heartbeat().toSeconds() + "s",
                "MAX_CONNECTIONS",
                String.valueOf(share + 100),
                "MAX_CONNECTIONS_PER_CLIENT",
                String.valueOf(share + 100),
                // the herd is many clients on eight loopback addresses: no per-address caps
                "MAX_STREAMS_PER_IP",
                String.valueOf(share + 100),
                "MAX_PENDING_HEADS_PER_IP",
                "1000000"));
        if (redis != null) {
            config.put("REDIS_URL", "redis://127.0.0.1:" + redis.port());
        }
        List<IdleAtScale.Result> results = new ArrayList<>();
        List<Rig.Server> replicas = new ArrayList<>();
        for (int k = 0; k < processes; k++) {
            replicas.add(rig.gateway("bench-scale-" + k, config));
        }
        log("idle connections at scale: gateway, " + n + " over " + processes + " replicas");
        results.add(IdleAtScale.run(
                HeldConnections.STREAM_LISTENER,
                fleet(replicas, "/sse/herd"),
                true,
                redis,
                n,
                plan.perProcess(),
                plan.idle(),
                plan.heartbeat(),
                rig.work()));
        replicas.forEach(rig::stop);
        Optional<Rig.Server> nginx =
                rig.nginx(echo.port(), (int) plan.heartbeat().toSeconds(), n + 100, processes);
        if (nginx.isPresent()) {
            log("idle connections at scale: nginx+nchan, " + n + " over " + processes + " workers");
            results.add(IdleAtScale.run(
                    "nginx+nchan",
                    fleet(List.of(nginx.get()), "/sub?id=herd"),
                    false,
                    null,
                    n,
                    plan.perProcess(),
                    plan.idle(),
                    plan.heartbeat(),
                    rig.work()));
            rig.stop(nginx.get());
        }
        return results;
    }

    /** Herd k connects to server k (one server: all to it). */
    private static IdleAtScale.Fleet fleet(List<Rig.Server> servers, String path) {
        return new IdleAtScale.Fleet() {
            @Override
            public List<Rig.Server> servers() {
                return servers;
            }

            @Override
            public int port(int herd) {
                Rig.Server server = servers.get(herd % servers.size());
                // the gateway's idle streams go to its stream listener
                return server.streamPort() > 0 ? server.streamPort() : server.port();
            }

            @Override
            public String path() {
                return path;
            }
        };
    }

    private static void awaitFunction(Rig.Server gateway) throws InterruptedException, IOException {
        try (Http1 http = new Http1(gateway.adminUri())) {
            for (int i = 0; i < 100; i++) {
                if (http.send("GET", "/admin/functions/echo", Map.of(), null).status() == 200) {
                    return;
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the registration did not reach the second replica");
    }

    static void log(String line) {
        System.err.println("[bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + line);
    }
}
