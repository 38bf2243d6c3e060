package dev.switchboard.registry.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README's configuration table is the catalogue's: this fails when someone edits one without the other. With
 * {@code -Dsettings.writeReadme=true} it rewrites README instead (see {@link SettingsTable}).
 */
class SettingsReadmeTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void readmeTableIsPrintedFromTheCatalogue() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String expected = SettingsTable.replaceIn(readme, SettingsTable.markdown(GatewaySettings.ALL));
        if (Boolean.getBoolean("settings.writeReadme")) {
            Files.writeString(README, expected, StandardCharsets.UTF_8);
            return;
        }
        assertThat(readme)
                .as("README's configuration table differs from GatewaySettings; regenerate it with ./mvnw -B -q -o "
                        + "-pl registry -am test -Dtest=SettingsReadmeTest -Dsurefire.failIfNoSpecifiedTests=false "
                        + "-Dsettings.writeReadme=true")
                .isEqualTo(expected);
    }

    @Test
    void everyKeyIsDocumentedOnce() {
        assertThat(GatewaySettings.ALL).extracting(Setting::key).doesNotHaveDuplicates();
        assertThat(GatewaySettings.ALL).allSatisfy(s -> {
            assertThat(s.key()).matches("[A-Z][A-Z0-9_]*");
            assertThat(s.description()).as(s.key()).isNotBlank();
        });
    }

    @Test
    void everyFixedDefaultIsWithinItsBounds() {
        for (Setting<?> setting : GatewaySettings.ALL) {
            // reading with nothing set yields the default, which parse accepts in its written form
            setting.read(key -> java.util.Optional.empty());
            roundTrips(setting);
        }
    }

    private static <T> void roundTrips(Setting<T> setting) {
        setting.defaultValue()
                .ifPresent(value -> assertThat(setting.parse(setting.format(value)))
                        .as(setting.key())
                        .isEqualTo(value));
    }
}
