package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An {@link SseHerd} in a JVM of its own, for counts beyond what one process may hold (about 20,000 open
 * files here). The parent talks to it over its standard streams, one line each way:
 * the child prints {@code opened <n>} once its connections are open (or {@code failed <why>}); each
 * {@code count} line it reads is answered with {@code heartbeats <n> closed <n>}; end of input closes the
 * connections and ends the child.
 */
final class HerdProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final int count;

    private HerdProcess(Process process, int count) {
        this.process = process;
        this.count = count;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = process.outputWriter(StandardCharsets.UTF_8);
    }

    /**
     * Starts a child herd and waits for its connections.
     *
     * @param port  server port on 127.0.0.1
     * @param path  request path of every connection
     * @param count connections to hold
     * @param block source address block ({@link SseHerd#SseHerd(String, int, java.util.function.IntFunction, Map, int)})
     * @param logs  directory for the child's error output
     */
    static HerdProcess start(int port, String path, int count, int block, Path logs)
            throws IOException, InterruptedException {
        List<String> command = Proc.harnessCommand(
                List.of("-Xmx256m", "-XX:+UseSerialGC"),
                BenchMain.class,
                "herd",
                "--port",
                String.valueOf(port),
                "--path",
                path,
                "--count",
                String.valueOf(count),
                "--block",
                String.valueOf(block));
        Process process = new ProcessBuilder(command)
                .redirectError(logs.resolve("herd-" + block + ".log").toFile())
                .start();
        HerdProcess herd = new HerdProcess(process, count);
        String line = herd.out.readLine();
        if (line == null || !line.equals("opened " + count)) {
            herd.close();
            throw new IllegalStateException("herd " + block + " did not open its " + count + " connections: " + line);
        }
        return herd;
    }

    /** What the child has seen since it started. */
    record Counts(long heartbeats, int closed) {}

    /** @return the child's counts now */
    Counts counts() throws IOException {
        in.write("count\n");
        in.flush();
        String[] words = String.valueOf(out.readLine()).split(" ");
        if (words.length != 4 || !words[0].equals("heartbeats")) {
            throw new IllegalStateException("herd answered: " + String.join(" ", words));
        }
        return new Counts(Long.parseLong(words[1]), Integer.parseInt(words[3]));
    }

    int count() {
        return count;
    }

    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /** The child: holds its herd and answers the parent until its input ends. */
    static void child(int port, String path, int count, int block) throws IOException {
        PrintStream stdout = System.out;
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (SseHerd herd = new SseHerd("127.0.0.1", port, i -> path, Map.of("Accept", "text/event-stream"), block)) {
            herd.open(count, Duration.ofSeconds(Math.max(60, count / 100)));
            stdout.println("opened " + herd.opened());
            stdout.flush();
            String line;
            while ((line = stdin.readLine()) != null) {
                if (line.equals("count")) {
                    stdout.println("heartbeats " + herd.events("heartbeat") + " closed " + herd.closed());
                    stdout.flush();
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            stdout.println("failed " + e.getMessage());
            stdout.flush();
        }
    }
}
