package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** What reading without a declared length returns: the reference the sized read must match. */
    private static byte[] unsized(byte[] body, long limit) throws IOException {
        return BoundedBody.read(new ByteArrayInputStream(body), OptionalLong.empty(), limit);
    }

    private static byte[] sized(byte[] body, long declared, long limit) throws IOException {
        return BoundedBody.read(new ByteArrayInputStream(body), OptionalLong.of(declared), limit);
    }

    @Test
    void aBodyOfItsDeclaredLengthIsReadWhole() throws IOException {
        byte[] body = bytes(300);
        assertThat(sized(body, 300, 1000)).isEqualTo(body).isEqualTo(unsized(body, 1000));
        assertThat(sized(new byte[0], 0, 1000)).isEmpty();
    }

    @Test
    void aBodyShorterOrLongerThanDeclaredGivesWhatCameUpToTheBound() throws IOException {
        byte[] body = bytes(300);
        assertThat(sized(body, 500, 1000)).isEqualTo(body);
        assertThat(sized(body, 100, 1000)).isEqualTo(body);
        // over the limit: limit + 1 bytes, as without a declared length, so the caller sees it is too large
        assertThat(sized(body, 100, 200)).hasSize(201).isEqualTo(unsized(body, 200));
    }

    @Test
    void aDeclaredLengthOverTheLimitOrThePreallocationIsReadAsItComes() throws IOException {
        byte[] large = bytes(BoundedBody.PREALLOCATED_AT_MOST + 10);
        assertThat(sized(large, large.length, 10L * large.length)).isEqualTo(large);
        assertThat(sized(large, large.length, 100)).hasSize(101);
        // a client declaring much and sending little: nothing is allocated for what never came
        InputStream trickle = new ByteArrayInputStream(bytes(5));
        assertThat(BoundedBody.read(trickle, OptionalLong.of(Integer.MAX_VALUE / 2), Long.MAX_VALUE))
                .hasSize(5);
    }

    @Test
    void declaredLengthsAreParsedLeniently() {
        assertThat(BoundedBody.declaredLength(Optional.of(" 42 "))).hasValue(42);
        assertThat(BoundedBody.declaredLength(Optional.of("forty"))).isEmpty();
        assertThat(BoundedBody.declaredLength(Optional.empty())).isEmpty();
    }
}
