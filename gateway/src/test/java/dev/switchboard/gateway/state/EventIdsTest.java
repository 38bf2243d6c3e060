package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void validForms() {
        assertThat(EventIds.isValid("0-0")).isTrue();
        assertThat(EventIds.isValid(EventIds.ZERO)).isTrue();
        assertThat(EventIds.isValid("1700000000000-0")).isTrue();
        assertThat(EventIds.isValid("1-42")).isTrue();
        assertThat(EventIds.isValid("9999999999999999999-9999999999999999999")).isTrue();
    }

    @Test
    void invalidForms() {
        for (String bad : new String[] {
            null,
            "",
            "-",
            "1",
            "1-",
            "-1",
            "1--1",
            "1-2-3",
            "a-0",
            "0-b",
            " 1-0",
            "1-0 ",
            "1 -0",
            "+1-0",
            "1-+0",
            "1.5-0",
            "1_0",
            "0x1-0",
            "１-０",
            "1-0\n",
            "99999999999999999999-0",
            "0-99999999999999999999"
        }) {
            assertThat(EventIds.isValid(bad)).as("'%s'", bad).isFalse();
        }
    }

    @Test
    void ordersAsTheNumbersDoWhateverTheShapesOfTheIds() {
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < 20_000; i++) {
            // same shape half the time (the fast path), any shape and leading zeros otherwise
            int millisDigits = 1 + random.nextInt(19);
            int seqDigits = 1 + random.nextInt(4);
            String a = digits(random, millisDigits) + "-" + digits(random, seqDigits);
            String b = random.nextBoolean()
                    ? digits(random, millisDigits) + "-" + digits(random, seqDigits)
                    : digits(random, 1 + random.nextInt(19)) + "-" + digits(random, 1 + random.nextInt(4));
            int expected = Integer.signum(reference(a, b));
            assertThat(Integer.signum(EventIds.compare(a, b)))
                    .as("%s vs %s", a, b)
                    .isEqualTo(expected);
        }
    }

    private static String digits(java.util.Random random, int count) {
        StringBuilder out = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            // 18 digits at most from the first one so that the value stays below 2^64
            out.append(i == 0 && count == 19 ? random.nextInt(2) : random.nextInt(10));
        }
        return out.toString();
    }

    private static int reference(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int byMillis = Long.compareUnsigned(Long.parseUnsignedLong(x[0]), Long.parseUnsignedLong(y[0]));
        return byMillis != 0
                ? byMillis
                : Long.compareUnsigned(Long.parseUnsignedLong(x[1]), Long.parseUnsignedLong(y[1]));
    }

    @Test
    void equalIds() {
        assertThat(EventIds.compare("5-3", "5-3")).isZero();
        assertThat(EventIds.compare("0-0", EventIds.ZERO)).isZero();
        assertThat(EventIds.compare("007-01", "7-1")).isZero();
    }

    @Test
    void sameMillisOrdersBySequence() {
        assertThat(EventIds.compare("1000-1", "1000-2")).isNegative();
        assertThat(EventIds.compare("1000-2", "1000-1")).isPositive();
        assertThat(EventIds.compare("1000-10", "1000-9")).isPositive();
    }

    @Test
    void millisDominateSequence() {
        assertThat(EventIds.compare("1001-0", "1000-999999")).isPositive();
        assertThat(EventIds.compare("1000-999999", "1001-0")).isNegative();
    }

    @Test
    void numericNotLexicographic() {
        assertThat(EventIds.compare("10-0", "9-0")).isPositive();
        assertThat(EventIds.compare("9-0", "10-0")).isNegative();
        assertThat(EventIds.compare("100-0", "99-5")).isPositive();
        assertThat(EventIds.compare("1-100", "1-99")).isPositive();
    }

    @Test
    void bigValuesBeyondSignedLong() {
        String maxSigned = Long.MAX_VALUE + "-0"; // 9223372036854775807
        String aboveSigned = "9223372036854775808-0";
        String nineteenNines = "9999999999999999999-0";
        assertThat(EventIds.compare(aboveSigned, maxSigned)).isPositive();
        assertThat(EventIds.compare(nineteenNines, aboveSigned)).isPositive();
        assertThat(EventIds.compare(maxSigned, nineteenNines)).isNegative();
        assertThat(EventIds.compare("5-9999999999999999999", "5-9223372036854775807"))
                .isPositive();
        assertThat(EventIds.compare("1700000000000-0", "0-0")).isPositive();
    }

    @Test
    void compareIsAConsistentTotalOrder() {
        List<String> sorted = List.of(
                "0-0",
                "0-1",
                "0-10",
                "1-0",
                "9-0",
                "9-99",
                "10-0",
                "100-5",
                "1700000000000-0",
                "1700000000000-1",
                "9223372036854775808-0");
        List<String> shuffled = new ArrayList<>(sorted);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        shuffled.sort(EventIds::compare);
        assertThat(shuffled).containsExactlyElementsOf(sorted);
        for (String a : sorted) {
            for (String b : sorted) {
                assertThat(Integer.signum(EventIds.compare(a, b))).isEqualTo(-Integer.signum(EventIds.compare(b, a)));
            }
        }
    }
}
