package dev.switchboard.gateway.support;

import java.util.Random;

/**
 * JSON text of every shape for property tests of readers that must agree with Jackson's tree reader: values
 * nested to a depth, strings with escapes and characters beyond ASCII, big numbers, keys now and then repeated,
 * whitespace at random, and the one-byte damage a broken client or a fuzzer sends.
 */
public final class RandomJson {
    private RandomJson() {}

    /**
     * Appends a value: a number, string, literal, array or object; containers only below {@code maxDepth}, so
     * that a depth bound of {@code maxDepth} is sometimes exceeded by one level.
     */
    public static void value(StringBuilder out, Random random, int depth, int maxDepth) {
        int kind = random.nextInt(depth >= maxDepth + 1 ? 6 : 8);
        switch (kind) {
            case 0 -> out.append(random.nextInt(2000) - 1000);
            case 1 -> out.append(random.nextBoolean() ? "1.50" : "-2.5e" + random.nextInt(40));
            case 2 -> out.append('"').append(text(random)).append('"');
            case 3 -> out.append(random.nextBoolean() ? "true" : "false");
            case 4 -> out.append("null");
            case 5 -> out.append("123456789012345678901234567890");
            case 6 -> {
                out.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    space(out, random);
                    value(out, random, depth + 1, maxDepth);
                }
                out.append(']');
            }
            default -> {
                out.append('{');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    // a repeated key now and then
                    out.append("\"k").append(random.nextInt(5)).append("\":");
                    space(out, random);
                    value(out, random, depth + 1, maxDepth);
                }
                out.append('}');
            }
        }
    }

    /** Appends an object holding these members' texts, with commas and whitespace at random between them. */
    public static void object(StringBuilder out, Random random, java.util.List<String> members) {
        out.append('{');
        space(out, random);
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                out.append(',');
                space(out, random);
            }
            out.append(members.get(i));
            space(out, random);
        }
        out.append('}');
    }

    /** @return a member's text: the quoted name, a colon and a value, spaced at random */
    public static String member(String name, Random random, int depth, int maxDepth) {
        StringBuilder out = new StringBuilder().append('"').append(name).append('"');
        space(out, random);
        out.append(':');
        space(out, random);
        value(out, random, depth, maxDepth);
        return out.toString();
    }

    /**
     * @return the inside of a JSON string: plain and escaped characters, beyond ASCII, a surrogate pair, brackets
     *     and an escaped backslash (which a scanner of JSON text must not take for structure or an escaped quote)
     */
    public static String text(Random random) {
        String[] parts = {"a", "é", "\\u00e9", "\\\"", "\\n", " ", "日本", "\\ud83d\\ude00", "{", "]", "\\\\"};
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.toString();
    }

    /** Appends a space, newline or tab one time in three. */
    public static void space(StringBuilder out, Random random) {
        if (random.nextInt(3) == 0) {
            out.append(" \n\t".charAt(random.nextInt(3)));
        }
    }

    /** One time in three, {@link #corrupt} the body: a reader must refuse damage as its reference does. */
    public static void damageNowAndThen(byte[] body, Random random) {
        if (random.nextInt(3) == 0) {
            corrupt(body, random);
        }
    }

    /** One byte replaced: a structural character, a broken UTF-8 byte, NUL or a backslash. */
    public static void corrupt(byte[] body, Random random) {
        int at = random.nextInt(body.length);
        byte[] bad = {'"', '{', '}', '[', ',', ':', (byte) 0xC3, (byte) 0xFF, 0, '\\'};
        body[at] = bad[random.nextInt(bad.length)];
    }
}
