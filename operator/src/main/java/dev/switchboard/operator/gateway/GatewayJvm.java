package dev.switchboard.operator.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The gateway's shipped JVM settings, as the gateway container's {@code JDK_JAVA_OPTIONS}. They are defined once,
 * in {@code gateway/jvm.options}, which the build copies into this jar: the image reads the same file and the
 * benchmarks start every gateway with it, so a pod the operator runs is the process that was measured, even on
 * an image built elsewhere. A gateway's own {@code spec.podTemplate.env} entry of that name replaces it.
 */
final class GatewayJvm {
    /** The variable the {@code java} launcher reads (appended to by nothing else in the image). */
    static final String ENV = "JDK_JAVA_OPTIONS";
    /** Where the build puts {@code gateway/jvm.options} in this jar. */
    static final String RESOURCE = "jvm.options";
    /** The options, one line each in the file, space-separated here; comments and blank lines dropped. */
    static final String OPTIONS = String.join(" ", parse(read()));

    private GatewayJvm() {}

    /** @return the options of a java {@code @}-file's text: one per line, {@code #} lines are comments */
    static List<String> parse(String text) {
        return text.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    private static String read() {
        try (InputStream in = GatewayJvm.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the operator's jar (copied from "
                        + "gateway/jvm.options by the build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
