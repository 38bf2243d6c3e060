package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.registry.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The routed fan-out's bookkeeping against recorded channel commands: a follower returns only once its
 * subscription is confirmed, the first follower subscribes and the last unsubscribes, in order even when they
 * race, and a re-confirmed subscription names the log to catch up.
 */
class LogSubscriptionsTest {
    /** Records the commands sent, in order; confirmations are completed by the test (or at once). */
    private static final class Recorded implements LogSubscriptions.Channels {
        final List<String> commands = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
        volatile boolean confirmAtOnce = true;
        volatile boolean refuse;

        @Override
        public String channel(String logKey) {
            return "ch:" + logKey;
        }

        @Override
        public CompletableFuture<Void> subscribe(String channel) {
            commands.add("+" + channel);
            if (refuse) {
                return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
            }
            CompletableFuture<Void> f =
                    confirmAtOnce ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String channel) {
            commands.add("-" + channel);
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void aFollowerReturnsOnlyOnceItsSubscriptionIsConfirmed() throws Exception {
        Recorded channels = new Recorded();
        channels.confirmAtOnce = false;
        LogSubscriptions subscriptions = new LogSubscriptions(channels, Duration.ofSeconds(5));
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            subscriptions.follow("room");
            first.countDown();
        });
        Thread.ofVirtual().start(() -> {
            subscriptions.follow("room");
            second.countDown();
        });
        assertThat(first.await(300, TimeUnit.MILLISECONDS))
                .as("waits for the confirmation")
                .isFalse();
        assertThat(channels.commands).as("one SUBSCRIBE for both followers").containsExactly("+ch:room");
        channels.pending.getFirst().complete(null);
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(second.await(5, TimeUnit.SECONDS))
                .as("the second joined the pending subscription")
                .isTrue();
        assertThat(subscriptions.isFollowed("room")).isTrue();
    }

    @Test
    void aRefusedSubscriptionIsAStoreErrorAndCountsNoFollower() {
        Recorded channels = new Recorded();
        channels.refuse = true;
        LogSubscriptions subscriptions = new LogSubscriptions(channels, Duration.ofSeconds(5));
        assertThatThrownBy(() -> subscriptions.follow("room")).isInstanceOf(StoreUnavailableException.class);
        assertThat(subscriptions.count()).isZero();
        channels.refuse = false;
        subscriptions.follow("room");
        assertThat(channels.commands).containsExactly("+ch:room", "-ch:room", "+ch:room");
    }

    @Test
    void theLastToLeaveUnsubscribesAndRacingFollowersKeepTheCommandsInOrder() throws Exception {
        Recorded channels = new Recorded();
        LogSubscriptions subscriptions = new LogSubscriptions(channels, Duration.ofSeconds(5));
        AtomicBoolean failed = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    try {
                        subscriptions.follow("room");
                        subscriptions.unfollow("room");
                    } catch (RuntimeException e) {
                        failed.set(true);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(failed).isFalse();
        assertThat(subscriptions.count()).as("bookkeeping back to zero").isZero();
        List<String> commands = List.copyOf(channels.commands);
        assertThat(commands).isNotEmpty();
        for (int i = 0; i < commands.size(); i++) {
            assertThat(commands.get(i))
                    .as("command " + i + " alternates SUBSCRIBE and UNSUBSCRIBE")
                    .isEqualTo(i % 2 == 0 ? "+ch:room" : "-ch:room");
        }
    }

    @Test
    void aReconfirmedSubscriptionNamesItsLogAndALeftOverOneIsDropped() {
        Recorded channels = new Recorded();
        LogSubscriptions subscriptions = new LogSubscriptions(channels, Duration.ofSeconds(5));
        subscriptions.follow("room");
        assertThat(subscriptions.confirmed("ch:room"))
                .as("the first follower's own confirmation")
                .isEmpty();
        assertThat(subscriptions.confirmed("ch:room"))
                .as("confirmed again after a reconnect")
                .contains("room");

        subscriptions.resubscribe();
        assertThat(channels.commands).containsExactly("+ch:room", "+ch:room");

        assertThat(subscriptions.confirmed("ch:gone")).as("not followed here").isEmpty();
        assertThat(channels.commands)
                .as("a channel nobody follows is unsubscribed")
                .endsWith("-ch:gone");
    }

    @Test
    void aChannelRedisDroppedIsSubscribedAgainOnlyWhileFollowed() {
        Recorded channels = new Recorded();
        LogSubscriptions subscriptions = new LogSubscriptions(channels, Duration.ofSeconds(5));
        subscriptions.follow("room");
        subscriptions.confirmed("ch:room");
        assertThat(subscriptions.dropped("ch:room"))
                .as("its slot moved: SUBSCRIBE again")
                .isPresent();
        assertThat(subscriptions.confirmed("ch:room"))
                .as("and its streams catch up")
                .contains("room");
        subscriptions.unfollow("room");
        assertThat(subscriptions.dropped("ch:room"))
                .as("the confirmation of our own UNSUBSCRIBE")
                .isEmpty();
        assertThat(channels.commands).containsExactly("+ch:room", "+ch:room", "-ch:room");
    }
}
