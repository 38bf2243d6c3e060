package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ResponseBudgetTest {
    private final ResponseBudget budget = new ResponseBudget(100);

    @Test
    void bytesAreReservedAsTheyAreReadAndReturnedOnClose() throws Exception {
        ResponseBudget.Reservation first = budget.open();
        try (InputStream in = first.meter(new ByteArrayInputStream(new byte[60]))) {
            assertThat(in.readNBytes(40)).hasSize(40);
            assertThat(budget.used()).isEqualTo(40);
            assertThat(in.readAllBytes()).hasSize(20);
        }
        assertThat(budget.used()).isEqualTo(60);
        ResponseBudget.Reservation second = budget.open();
        InputStream tooMuch = second.meter(new ByteArrayInputStream(new byte[60]));
        assertThatThrownBy(tooMuch::readAllBytes)
                .isInstanceOf(ResponseBudget.Exhausted.class)
                .hasMessageContaining("MAX_RESPONSE_BYTES_IN_FLIGHT");
        assertThat(second.held())
                .as("a failed reservation returns its partial answer's bytes at once")
                .isZero();
        assertThat(budget.used()).isEqualTo(60);
        second.close();
        first.close();
        assertThat(budget.used()).isZero();
        assertThat(budget.exhausted()).isFalse();
    }

    @Test
    void ofAnswersReadAtOnceTheOnesThatFailLetTheOthersComplete() throws Exception {
        // three 40-byte answers read 20 bytes at a time into a budget of 100: all hold 20, two take 40, and the
        // third's second chunk fails; it gives back its 20 at once, so the first two complete
        ResponseBudget.Reservation a = budget.open();
        ResponseBudget.Reservation b = budget.open();
        ResponseBudget.Reservation c = budget.open();
        a.reserve(20);
        b.reserve(20);
        c.reserve(20);
        a.reserve(20);
        b.reserve(20);
        assertThatThrownBy(() -> c.reserve(40)).isInstanceOf(ResponseBudget.Exhausted.class);
        assertThat(budget.used()).isEqualTo(80);
        a.close();
        b.close();
        c.close();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aClosedReservationTakesNothingMoreSoAnAbandonedReaderCannotLeak() throws Exception {
        ResponseBudget.Reservation reservation = budget.open();
        reservation.reserve(30);
        reservation.close();
        assertThatThrownBy(() -> reservation.reserve(10)).isInstanceOf(ResponseBudget.Exhausted.class);
        reservation.close();
        assertThat(budget.used()).isZero();
    }

    @Test
    void releasingGivesBackAtMostWhatIsHeld() throws Exception {
        ResponseBudget.Reservation reservation = budget.open();
        reservation.reserve(50);
        reservation.release(20);
        assertThat(budget.used()).isEqualTo(30);
        reservation.release(1000);
        assertThat(budget.used()).isZero();
        assertThat(reservation.reservedSoFar()).isEqualTo(50);
        reservation.reserve(100);
        assertThat(budget.exhausted()).isTrue();
        reservation.close();
        assertThat(budget.used()).isZero();
    }
}
