package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String content) throws IOException {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void valuesComeFromTheFile() throws IOException {
        Path file = yaml("""
                PORT: 7001
                HEARTBEAT_INTERVAL: 3s
                ADMIN_TOKEN: "from-the-yaml-file-0123"
                MAX_BODY_SIZE: 2MiB
                REDIS_ADDR: "cache:6379"
                REDIS_DB: 2
                """);
        GatewayConfig c = ConfigLoader.load(Map.of("CONFIG_FILE", file.toString()));
        assertThat(c.port()).isEqualTo(7001);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.adminTokens()).containsExactly("from-the-yaml-file-0123");
        assertThat(c.limits().maxBodySize()).isEqualTo(2L * 1024 * 1024);
        assertThat(c.redisUrl()).contains("redis://cache:6379/2");
        // keys absent from the file keep their defaults
        assertThat(c.adminPort()).isEqualTo(9090);
    }

    @Test
    void environmentWinsOverTheFile() throws IOException {
        Path file = yaml("""
                PORT: 7001
                HEARTBEAT_INTERVAL: 3s
                """);
        GatewayConfig c = ConfigLoader.load(Map.of("CONFIG_FILE", file.toString(), "PORT", "7100"));
        assertThat(c.port()).isEqualTo(7100);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anEmptyEnvironmentVariableLeavesTheFileValue() throws IOException {
        Path file = yaml("""
                PORT: 7001
                """);
        GatewayConfig c = ConfigLoader.load(Map.of("CONFIG_FILE", file.toString(), "PORT", ""));
        assertThat(c.port()).isEqualTo(7001);
    }

    @Test
    void invalidFileValueNamesItsKey() throws IOException {
        Path file = yaml("PORT: seventy\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CONFIG_FILE", file.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("PORT:");
        // a valid environment value hides the bad file value
        assertThat(ConfigLoader.load(Map.of("CONFIG_FILE", file.toString(), "PORT", "1"))
                        .port())
                .isEqualTo(1);
    }

    @Test
    void aKeyOutsideTheCatalogueIsRefusedNotIgnored() throws IOException {
        Path misspelt = yaml("PORT: 7001\nMAX_BODY_SIZ: 2MiB\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CONFIG_FILE", misspelt.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CONFIG_FILE: unknown key 'MAX_BODY_SIZ' (the keys are README's configuration table)");
        Path logFormat = yaml("LOG_FORMAT: json\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CONFIG_FILE", logFormat.toString())))
                .hasMessage("CONFIG_FILE: LOG_FORMAT is read from the environment only, not from the file");
    }

    @Test
    void missingConfigFileIsAnError() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CONFIG_FILE", missing.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CONFIG_FILE")
                .hasMessageContaining("nope.yaml");
    }

    @Test
    void aFileThatIsNotAMapOfSettingsIsOneLineNamingIt() throws IOException {
        Path broken = yaml("PORT: [1,2\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CONFIG_FILE", broken.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CONFIG_FILE: " + broken + " is not a YAML map of settings")
                .hasMessageContaining("line 1, column 7")
                .as("the file's own line is not quoted")
                .hasMessageNotContaining("[1,2")
                .hasMessageNotContaining("\\u000a");
        Path list = yaml("- PORT\n- ADMIN_PORT\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CONFIG_FILE", list.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CONFIG_FILE: " + list + " is not a YAML map of settings")
                .hasMessageEndingWith("its top level is a list or a value, not KEY: value lines");
    }

    @Test
    void noFileMeansEnvironmentAndDefaults() {
        GatewayConfig c = ConfigLoader.load(Map.of("ADMIN_PORT", "9191"));
        assertThat(c.adminPort()).isEqualTo(9191);
        assertThat(c.port()).isEqualTo(8080);
    }

    @Test
    void fileValuesAreFlattened() throws IOException {
        Path file = yaml("""
                PORT: 7002
                nested:
                  key: value
                """);
        assertThat(ConfigLoader.fileValues(Map.of("CONFIG_FILE", file.toString())))
                .containsEntry("PORT", "7002")
                .containsEntry("nested.key", "value");
    }
}
