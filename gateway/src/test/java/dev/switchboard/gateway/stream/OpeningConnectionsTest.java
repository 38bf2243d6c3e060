package dev.switchboard.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an event loop sheds or drops among the connections it holds before they serve anything. */
class OpeningConnectionsTest {
    private static final long HEAD_TIMEOUT = 10_000_000_000L;
    private static final long OVERDUE_AFTER = 1_000_000_000L;

    private static LoopConnection sendingItsHead(long headDeadline) {
        return new LoopConnection(null, headDeadline);
    }

    private static LoopConnection beingOpened(long headDeadline) {
        LoopConnection c = new LoopConnection(null, headDeadline);
        c.head = null; // its head is whole: its stream is being opened off the loop
        return c;
    }

    @Test
    void theSilentOnesAreShedOldestFirstAndAStreamBeingOpenedIsLeft() {
        OpeningConnections opening = new OpeningConnections(HEAD_TIMEOUT, OVERDUE_AFTER);
        LoopConnection opened = beingOpened(100);
        LoopConnection oldest = sendingItsHead(200);
        LoopConnection younger = sendingItsHead(300);
        LoopConnection youngest = sendingItsHead(400);
        List.of(opened, oldest, younger, youngest).forEach(opening::add);

        assertThat(opening.oldestSilent(2)).containsExactly(oldest, younger);
        opening.remove(oldest);
        assertThat(opening.oldestSilent(5)).containsExactly(younger, youngest);
        assertThat(opening.anySendingItsHead()).isTrue();

        opening.remove(younger);
        opening.remove(youngest);
        assertThat(opening.anySendingItsHead()).isFalse();
        assertThat(opening.oldestSilent(1)).isEmpty();
        assertThat(opening.isEmpty()).isFalse();
    }

    @Test
    void aHeadPastItsDeadlineIsLateAndTheLookIsTakenAtMostEveryQuarterSecond() {
        OpeningConnections opening = new OpeningConnections(HEAD_TIMEOUT, OVERDUE_AFTER);
        long now = 1_000_000_000_000L;
        LoopConnection late = sendingItsHead(now - 1);
        LoopConnection opened = beingOpened(now - 1);
        LoopConnection inTime = sendingItsHead(now + 1_000_000);
        List.of(late, opened, inTime).forEach(opening::add);

        assertThat(opening.checkDue(now)).isTrue();
        assertThat(opening.late(now)).containsExactly(late);
        assertThat(opening.checkDue(now + 1)).as("looked at just now").isFalse();
        assertThat(opening.checkDue(now + 250_000_000L)).isTrue();
        assertThat(opening.late(now + 250_000_000L)).containsExactly(late, inTime);
    }

    @Test
    void aHeadFromACappedAddressIsOverdueAfterItsGraceUntilCounted() {
        OpeningConnections opening = new OpeningConnections(HEAD_TIMEOUT, OVERDUE_AFTER);
        long accepted = 1_000_000_000_000L;
        LoopConnection capped = sendingItsHead(accepted + HEAD_TIMEOUT);
        capped.cappedAddress = InetAddress.getLoopbackAddress();
        LoopConnection trusted = sendingItsHead(accepted + HEAD_TIMEOUT); // a trusted proxy: never counted
        LoopConnection younger = sendingItsHead(accepted + HEAD_TIMEOUT + 500_000_000L);
        younger.cappedAddress = InetAddress.getLoopbackAddress();
        List.of(capped, trusted, younger).forEach(opening::add);

        assertThat(opening.newlyOverdue(accepted + OVERDUE_AFTER - 1)).isEmpty();
        assertThat(opening.newlyOverdue(accepted + OVERDUE_AFTER)).containsExactly(capped);
        capped.cappedAddress = null; // counted
        assertThat(opening.newlyOverdue(accepted + OVERDUE_AFTER + 500_000_000L))
                .containsExactly(younger);
    }

    @Test
    void itIsFullAtItsBound() {
        OpeningConnections opening = new OpeningConnections(HEAD_TIMEOUT, OVERDUE_AFTER);
        List<LoopConnection> all = new ArrayList<>();
        for (int i = 0; i < OpeningConnections.MAX_OPENING - 1; i++) {
            LoopConnection c = sendingItsHead(i);
            all.add(c);
            opening.add(c);
        }
        assertThat(opening.full()).isFalse();
        opening.add(sendingItsHead(Long.MAX_VALUE));
        assertThat(opening.full()).isTrue();
        opening.remove(all.get(0));
        assertThat(opening.full()).isFalse();
    }
}
