package dev.switchboard.registry.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * README's configuration table, printed from the catalogue ({@link GatewaySettings#ALL}). README holds it between
 * two marker comments; {@code SettingsReadmeTest} fails when they differ, and running this class rewrites it:
 * <pre>./mvnw -B -q -o -pl registry -am test -Dtest=SettingsReadmeTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsettings.writeReadme=true</pre>
 * (or {@code java -cp registry/target/classes dev.switchboard.registry.settings.SettingsTable README.md}).
 */
public final class SettingsTable {
    /** Where the generated table starts in README. */
    public static final String BEGIN = "<!-- settings-table:begin (generated from GatewaySettings: do not edit) -->";
    /** Where it ends. */
    public static final String END = "<!-- settings-table:end -->";

    private SettingsTable() {}

    /**
     * @param settings the settings, in order
     * @return the Markdown table, one row per setting, ending with a newline
     */
    public static String markdown(List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder("| Key | Default | Values | Meaning |\n| --- | --- | --- | --- |\n");
        for (Setting<?> setting : settings) {
            out.append("| `")
                    .append(setting.key())
                    .append("` | ")
                    .append(cell(defaultCell(setting)))
                    .append(" | ")
                    .append(cell(valuesCell(setting)))
                    .append(" | ")
                    .append(cell(setting.description()))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String defaultCell(Setting<?> setting) {
        return setting.defaultText()
                .map(text -> text.contains("`") || text.contains(" ") ? text : "`" + text + "`")
                .filter(text -> !text.equals("``"))
                .orElse("unset");
    }

    private static String valuesCell(Setting<?> setting) {
        if (!setting.allowed().isEmpty()) {
            String words = setting.allowed().stream().map(w -> "`" + w + "`").collect(Collectors.joining(", "));
            return (setting.type() == Setting.Type.CHOICE
                                    && setting.defaultValue().orElse(null) instanceof List<?>
                            ? "list of "
                            : "one of ")
                    + words;
        }
        String bounds = setting.boundsText();
        return bounds.isEmpty() ? setting.type().label() : setting.type().label() + ", " + bounds;
    }

    /** A table cell: pipes escaped (also inside code spans, where GitHub still splits on them). */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /**
     * @param readme the README's text
     * @param table  the table
     * @return the README with the text between the markers replaced by the table
     * @throws IllegalArgumentException when the markers are missing
     */
    public static String replaceIn(String readme, String table) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("README has no " + BEGIN + " ... " + END + " block");
        }
        return readme.substring(0, begin + BEGIN.length()) + "\n" + table + readme.substring(end);
    }

    /**
     * Rewrites README's table from the catalogue.
     *
     * @param args the README's path (default {@code README.md})
     * @throws IOException when it cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path readme = Path.of(args.length > 0 ? args[0] : "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        Files.writeString(readme, replaceIn(text, markdown(GatewaySettings.ALL)), StandardCharsets.UTF_8);
    }
}
