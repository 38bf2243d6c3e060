package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code logging.properties}, loaded the way JUL loads it, gives each logger the intended level,
 * and holds no line that JUL would read as something else (two properties glued on one line leave one unset).
 */
class LoggingPropertiesTest {
    private static final String RESOURCE = "/logging.properties";

    /** A LogManager of this test's own, so the test JVM's logging configuration stays as it is. */
    private static LogManager load() throws Exception {
        LogManager manager = new LogManager() {};
        try (InputStream in = LoggingPropertiesTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE + " on the classpath").isNotNull();
            manager.readConfiguration(in);
        }
        return manager;
    }

    /** A logger registered with the given manager, so that the manager's configuration sets its level. */
    private static Logger logger(LogManager manager, String name) {
        Logger logger = new Logger(name, null) {};
        assertThat(manager.addLogger(logger)).as(name).isTrue();
        return logger;
    }

    @Test
    void eachLoggerGetsItsIntendedLevel() throws Exception {
        LogManager manager = load();
        assertThat(manager.getProperty(".level")).isEqualTo("INFO");
        assertThat(manager.getProperty("io.helidon.level")).isEqualTo("WARNING");
        assertThat(manager.getProperty("io.helidon.webserver.LoomServer.level"))
                .as("the listeners' started lines stay visible")
                .isEqualTo("INFO");
        assertThat(manager.getProperty("io.lettuce.level")).isEqualTo("WARNING");
        assertThat(manager.getProperty("io.netty.level")).isEqualTo("WARNING");

        Logger helidon = logger(manager, "io.helidon");
        Logger loomServer = logger(manager, "io.helidon.webserver.LoomServer");
        Logger otherHelidon = logger(manager, "io.helidon.webserver.http.Routing");
        Logger gateway = logger(manager, "dev.switchboard.gateway.Main");
        assertThat(helidon.getLevel()).isEqualTo(Level.WARNING);
        assertThat(loomServer.getLevel()).isEqualTo(Level.INFO);
        assertThat(loomServer.isLoggable(Level.INFO)).isTrue();
        assertThat(otherHelidon.isLoggable(Level.INFO))
                .as("other Helidon loggers inherit WARNING")
                .isFalse();
        assertThat(otherHelidon.isLoggable(Level.WARNING)).isTrue();
        assertThat(gateway.isLoggable(Level.INFO)).isTrue();
        assertThat(gateway.isLoggable(Level.FINE)).isFalse();
    }

    @Test
    void everyLineIsOneKnownPropertyAndNoKeyRepeats() throws Exception {
        List<String> keys;
        try (InputStream in = LoggingPropertiesTest.class.getResourceAsStream(RESOURCE)) {
            keys = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> line.substring(0, line.indexOf('=') < 0 ? line.length() : line.indexOf('=')))
                    .toList();
        }
        assertThat(keys)
                .as("each line a key JUL knows: handlers, a logger's level, a formatter's setting")
                .allMatch(key -> key.equals("handlers")
                        || key.matches("([a-zA-Z_$][\\w$]*(\\.[a-zA-Z_$][\\w$]*)*)?\\.level")
                        || key.equals("java.util.logging.SimpleFormatter.format")
                        || key.equals("io.helidon.logging.jul.HelidonJsonFormatter.fields"));
        assertThat(keys).as("a repeated key: the last one wins silently").doesNotHaveDuplicates();
        LogManager manager = load();
        for (String key : keys) {
            if (key.endsWith(".level")) {
                assertThat(Level.parse(manager.getProperty(key))).as(key).isNotNull();
            }
        }
    }
}
