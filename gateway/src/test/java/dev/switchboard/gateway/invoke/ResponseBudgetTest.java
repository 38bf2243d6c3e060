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
        assertThat(budget.used()).as("what the second read before it failed").isEqualTo(60 + second.held());
        second.close();
        first.close();
        assertThat(budget.used()).isZero();
        assertThat(budget.exhausted()).isFalse();
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
