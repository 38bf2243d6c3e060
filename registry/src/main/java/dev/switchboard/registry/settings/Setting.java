package dev.switchboard.registry.settings;

import dev.switchboard.registry.ByteSizes;
import dev.switchboard.registry.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One setting of the gateway: its key (the environment variable), what its values look like, its default and
 * bounds, and the sentence that documents it. The gateway reads it, the operator writes its key, and the README
 * table is printed from it ({@link SettingsTable}), so the four cannot drift apart.
 * Instances are immutable; the {@code with...} methods return changed copies.
 *
 * @param <T> the parsed value
 */
public final class Setting<T> {
    /** What a value is, as shown in the documentation. */
    public enum Type {
        TEXT("text"),
        INTEGER("integer"),
        DECIMAL("number"),
        SIZE("size"),
        DURATION("duration"),
        LIST("list"),
        CHOICE("choice"),
        FILE("file"),
        URL("URL"),
        CIDR_LIST("CIDR list");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        /** @return the name shown in the documentation */
        public String label() {
            return label;
        }
    }

    /** Turns the text of a value into the value; throws {@link IllegalArgumentException} saying what is wrong. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(String key, String text);
    }

    private final String key;
    private final Type type;
    private final Parser<T> parser;
    private final Range<T> range;
    private final List<String> allowed;
    private final T defaultValue;
    private final String defaultDoc;
    private final String description;
    private final boolean secret;

    private Setting(
            String key,
            Type type,
            Parser<T> parser,
            Range<T> range,
            List<String> allowed,
            T defaultValue,
            String defaultDoc,
            String description,
            boolean secret) {
        this.key = Objects.requireNonNull(key);
        this.type = type;
        this.parser = parser;
        this.range = range;
        this.allowed = List.copyOf(allowed);
        this.defaultValue = defaultValue;
        this.defaultDoc = defaultDoc;
        this.description = description;
        this.secret = secret;
    }

    // ---- factories: one per kind of value ----

    /** Free text, trimmed. */
    static Setting<String> text(String key, String defaultValue) {
        return new Setting<>(key, Type.TEXT, (k, t) -> t, null, List.of(), defaultValue, null, "", false);
    }

    /** Text checked by a parser of the registry (a namespace, a Redis URL, ...). */
    static Setting<String> checkedText(String key, Type type, Parser<String> check) {
        return new Setting<>(key, type, check, null, List.of(), null, null, "", false);
    }

    static Setting<Integer> integer(String key, Integer defaultValue, int min, int max) {
        return new Setting<>(
                key,
                Type.INTEGER,
                Setting::parseInt,
                Range.of(min, max, String::valueOf, ""),
                List.of(),
                defaultValue,
                null,
                "",
                false);
    }

    static Setting<Double> decimal(String key, Double defaultValue, double min, double max) {
        return new Setting<>(
                key,
                Type.DECIMAL,
                Setting::parseDouble,
                Range.of(min, max, Setting::formatDecimal, ""),
                List.of(),
                defaultValue,
                null,
                "",
                false);
    }

    static Setting<Long> size(String key, String defaultValue, long min, long max) {
        return new Setting<>(
                key,
                Type.SIZE,
                (k, t) -> ByteSizes.parse(t),
                Range.of(min, max, String::valueOf, " bytes"),
                List.of(),
                defaultValue == null ? null : ByteSizes.parse(defaultValue),
                defaultValue,
                "",
                false);
    }

    static Setting<Duration> duration(String key, String defaultValue, Duration min, Duration max) {
        return new Setting<>(
                key,
                Type.DURATION,
                (k, t) -> Durations.parse(t),
                Range.of(min, max, Durations::format, ""),
                List.of(),
                defaultValue == null ? null : Durations.parse(defaultValue),
                defaultValue,
                "",
                false);
    }

    /** Comma-separated entries, trimmed, blanks dropped. */
    static Setting<List<String>> list(String key, String defaultValue) {
        return new Setting<>(
                key,
                Type.LIST,
                (k, t) -> entries(t, ","),
                null,
                List.of(),
                defaultValue == null ? null : entries(defaultValue, ","),
                defaultValue,
                "",
                false);
    }

    /** One of a few words, case-insensitive; the value is the word in lower case. */
    static Setting<String> choice(String key, String defaultValue, String... allowed) {
        List<String> words = List.of(allowed);
        return new Setting<>(key, Type.CHOICE, (k, t) -> oneOf(words, t), null, words, defaultValue, null, "", false);
    }

    /** Comma-separated words, each one of a few. */
    static Setting<List<String>> choices(String key, String defaultValue, String... allowed) {
        List<String> words = List.of(allowed);
        return new Setting<>(
                key,
                Type.CHOICE,
                (k, t) -> entries(t, ",").stream().map(w -> oneOf(words, w)).toList(),
                null,
                words,
                defaultValue == null ? null : entries(defaultValue, ","),
                defaultValue,
                "",
                false);
    }

    /** @return a copy whose parsed values are further checked (each token long enough, each block a CIDR) */
    Setting<T> checkedBy(java.util.function.BiConsumer<String, T> check) {
        Parser<T> first = parser;
        Parser<T> checked = (k, t) -> {
            T value = first.parse(k, t);
            check.accept(k, value);
            return value;
        };
        return new Setting<>(key, type, checked, range, allowed, defaultValue, defaultDoc, description, secret);
    }

    /** @return a copy documented with this sentence */
    Setting<T> describedAs(String sentence) {
        return new Setting<>(key, type, parser, range, allowed, defaultValue, defaultDoc, sentence, secret);
    }

    /** @return a copy whose default is computed where it is read, documented as this text */
    Setting<T> computedDefault(String doc) {
        return new Setting<>(key, type, parser, range, allowed, defaultValue, doc, description, secret);
    }

    /** @return a copy whose errors never quote the value (tokens, keys, passwords) */
    Setting<T> secret() {
        return new Setting<>(key, type, parser, range, allowed, defaultValue, defaultDoc, description, true);
    }

    /** @return a copy of another kind of value: the parser replaced, the rest kept */
    Setting<T> parsedBy(Type newType, Parser<T> newParser) {
        return new Setting<>(key, newType, newParser, range, allowed, defaultValue, defaultDoc, description, secret);
    }

    /**
     * @param newDefault the default where it depends on the machine (the heap, another setting)
     * @return a copy with that default
     */
    public Setting<T> withDefault(T newDefault) {
        return new Setting<>(key, type, parser, range, allowed, newDefault, defaultDoc, description, secret);
    }

    /**
     * @param min the least value
     * @param max the greatest value
     * @return a copy with these bounds, where they depend on another setting
     */
    public Setting<T> withBounds(T min, T max) {
        if (range == null) {
            throw new IllegalStateException(key + " has no bounds to narrow");
        }
        return new Setting<>(
                key, type, parser, range.narrowed(min, max), allowed, defaultValue, defaultDoc, description, secret);
    }

    // ---- reading ----

    /**
     * Parses and checks one value.
     *
     * @param text the value as written
     * @return the value
     * @throws SettingException naming the key, the value (unless secret) and what is allowed
     */
    public T parse(String text) {
        T value;
        try {
            value = parser.parse(key, text.trim());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "invalid" : e.getMessage();
            if (message.startsWith(key + ":")) {
                throw new SettingException(
                        key, message.substring(key.length() + 1).trim());
            }
            throw new SettingException(key, secret ? withoutQuotes(message) : message);
        }
        if (range != null && !range.contains(value)) {
            throw new SettingException(key, range.describe() + (secret ? "" : ", not " + text.trim()));
        }
        return value;
    }

    /**
     * @param values looks a key up; empty when unset (blank counts as unset)
     * @return the value, else the default; empty when unset without a default
     */
    public Optional<T> read(Function<String, Optional<String>> values) {
        Optional<String> text = values.apply(key).map(String::trim).filter(v -> !v.isEmpty());
        if (text.isPresent()) {
            return Optional.of(parse(text.get()));
        }
        if (defaultValue != null && range != null && !range.contains(defaultValue)) {
            // a default computed from the machine may fall outside bounds narrowed by another setting
            throw new SettingException(
                    key, range.describe() + ", and its default " + range.format(defaultValue) + " is not: set it");
        }
        return Optional.ofNullable(defaultValue);
    }

    /**
     * @param values looks a key up
     * @return the value, else the default
     * @throws IllegalStateException when the setting has no default (a programming error: use {@link #read})
     */
    public T get(Function<String, Optional<String>> values) {
        return read(values).orElseThrow(() -> new IllegalStateException(key + " has no default: use read()"));
    }

    // ---- what documents it ----

    /** @return the key, the name of the environment variable */
    public String key() {
        return key;
    }

    /** @return what kind of value it takes */
    public Type type() {
        return type;
    }

    /** @return the least value, when bounded */
    public Optional<T> min() {
        return Optional.ofNullable(range).map(Range::min);
    }

    /** @return the greatest value, when bounded */
    public Optional<T> max() {
        return Optional.ofNullable(range).map(Range::max);
    }

    /** @return the bounds as a sentence (empty when unbounded) */
    public String boundsText() {
        if (range != null) {
            return range.format(range.min()) + " to " + range.format(range.max()) + range.unit();
        }
        if (!allowed.isEmpty()) {
            return String.join(", ", allowed);
        }
        return "";
    }

    /** @return the words it accepts, for a choice */
    public List<String> allowed() {
        return allowed;
    }

    /** @return the fixed default, when there is one */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** @return the default as documented: as written, computed, or empty when unset */
    public Optional<String> defaultText() {
        if (defaultDoc != null) {
            return Optional.of(defaultDoc);
        }
        return Optional.ofNullable(defaultValue).map(this::format);
    }

    /** @return what it does */
    public String description() {
        return description;
    }

    /** @return whether its values are never quoted */
    public boolean isSecret() {
        return secret;
    }

    /**
     * @param value a value
     * @return it as a value of this setting is written (what the operator puts in an environment variable)
     */
    public String format(T value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Double d) {
            return formatDecimal(d);
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return key;
    }

    // ---- parsers ----

    private static int parseInt(String key, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer: '" + text + "'");
        }
    }

    private static double parseDouble(String key, String text) {
        try {
            double value = Double.parseDouble(text);
            if (Double.isNaN(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + text + "'");
        }
    }

    static List<String> entries(String text, String separators) {
        return Arrays.stream(text.split(separators))
                .map(String::strip)
                .filter(e -> !e.isEmpty())
                .toList();
    }

    private static String oneOf(List<String> words, String text) {
        String word = text.strip().toLowerCase(Locale.ROOT);
        if (!words.contains(word)) {
            throw new IllegalArgumentException(
                    "must be " + String.join(" or ", words) + ", not '" + text.strip() + "'");
        }
        return word;
    }

    private static String formatDecimal(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }

    private static String withoutQuotes(String message) {
        int quote = message.indexOf('\'');
        return quote < 0 ? message : message.substring(0, quote).strip();
    }

    /** The least and greatest value, and how to print them. */
    private record Range<T>(T min, T max, java.util.Comparator<T> order, Function<T, String> formatter, String unit) {
        @SuppressWarnings("unchecked")
        static <C extends Comparable<? super C>> Range<C> of(C min, C max, Function<C, String> formatter, String unit) {
            return new Range<>(min, max, java.util.Comparator.naturalOrder(), formatter, unit);
        }

        boolean contains(T value) {
            return order.compare(value, min) >= 0 && order.compare(value, max) <= 0;
        }

        Range<T> narrowed(T newMin, T newMax) {
            return new Range<>(newMin, newMax, order, formatter, unit);
        }

        String format(T value) {
            return formatter.apply(value);
        }

        String describe() {
            return "must be between " + format(min) + " and " + format(max) + unit;
        }
    }
}
