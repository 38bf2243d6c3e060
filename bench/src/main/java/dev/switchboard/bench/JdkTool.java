package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tool of the JDK the harness runs on ({@code jcmd}, {@code jstat}), run to its end against another JVM: the one
 * way the harness reads a gateway from outside. A tool that does not end in time (an attach that never answers) is
 * killed and reported, so a run does not hang on a diagnostic.
 */
final class JdkTool {
    /** Long enough for a class histogram of a large heap, which forces a full collection. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    private JdkTool() {}

    /**
     * What a tool printed (standard output and error together) and how it ended.
     *
     * @param exit its exit status
     * @param text what it printed
     */
    record Output(int exit, String text) {}

    /**
     * @param tool      the tool's name under {@code $JAVA_HOME/bin}
     * @param arguments its arguments
     * @return what it printed and its exit status
     * @throws IOException when it cannot be started or does not end within {@link #TIMEOUT}
     */
    static Output run(String tool, String... arguments) throws IOException, InterruptedException {
        return run(TIMEOUT, tool, arguments);
    }

    static Output run(Duration timeout, String tool, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", tool).toString());
        command.addAll(List.of(arguments));
        // to a file, not a pipe: a read of a pipe would wait as long as the tool does
        Path printed = Files.createTempFile("switchboard-bench-" + tool, ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(printed.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("%s did not end within %d s: %s"
                        .formatted(String.join(" ", command), timeout.toSeconds(), read(printed)));
            }
            return new Output(process.exitValue(), read(printed));
        } finally {
            Files.deleteIfExists(printed);
        }
    }

    /** Bytes a tool wrote, as text whatever their encoding (never a decoding error over a diagnostic). */
    private static String read(Path printed) throws IOException {
        return new String(Files.readAllBytes(printed));
    }
}
