package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link FunctionStore} must have; subclasses supply the store. */
abstract class FunctionStoreContract {
    static final Instant START = Instant.parse("2024-03-01T10:00:00Z");

    /** The clock subclasses must give their store. */
    protected final ManualClock clock = new ManualClock(START);

    /** @return the store under test, empty, using {@link #clock}; the same instance within one test */
    protected abstract FunctionStore store();

    static FunctionRegistration registration(String name, String description) {
        return new FunctionRegistration(
                name,
                FunctionKind.HTTP,
                URI.create("https://fn.example.com/" + name),
                "POST",
                Duration.ofSeconds(10),
                Map.of("Authorization", "Bearer " + name),
                description,
                Optional.of(new HealthCheck("/health", Duration.ofSeconds(5))),
                0,
                RetryPolicy.NONE,
                ClientAuth.DEFAULT,
                Optional.empty(),
                Instant.EPOCH,
                Instant.EPOCH,
                0);
    }

    /** Waits up to 5 s for {@code seen} to equal {@code expected} (listeners may run on another thread). */
    static void awaitEquals(List<String> seen, List<String> expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void createStoresWithBookkeepingAndRefusesDuplicates() {
        FunctionRegistration created =
                store().create(registration("echo", "first")).orElseThrow();

        assertThat(created.name()).isEqualTo("echo");
        assertThat(created.description()).isEqualTo("first");
        assertThat(created.createdAt()).isEqualTo(START);
        assertThat(created.updatedAt()).isEqualTo(START);
        assertThat(created.revision()).isPositive();
        assertThat(store().get("echo")).contains(created);

        clock.advance(Duration.ofMinutes(1));
        assertThat(store().create(registration("echo", "second"))).isEmpty();
        assertThat(store().get("echo")).contains(created);
    }

    @Test
    void getOfUnknownIsEmpty() {
        assertThat(store().get("nope")).isEmpty();
        assertThat(store().list()).isEmpty();
    }

    @Test
    void revisionIncreasesOnEveryChange() {
        long r1 = store().create(registration("a", "")).orElseThrow().revision();
        long r2 = store().replace(registration("a", "changed")).orElseThrow().revision();
        long r3 = store().upsert(registration("a", "again")).revision();
        long r4 = store().upsert(registration("b", "")).revision();
        assertThat(store().delete("a")).isTrue();
        long r6 = store().create(registration("c", "")).orElseThrow().revision();

        assertThat(r1).isPositive();
        assertThat(r2).isGreaterThan(r1);
        assertThat(r3).isGreaterThan(r2);
        assertThat(r4).isGreaterThan(r3);
        // the delete took a revision of its own
        assertThat(r6).isGreaterThan(r4 + 1);
        assertThat(store().get("b").orElseThrow().revision()).isEqualTo(r4);
    }

    @Test
    void replaceKeepsCreationTimeAndBumpsUpdateTimeAndRevision() {
        FunctionRegistration created =
                store().create(registration("echo", "v1")).orElseThrow();
        clock.advance(Duration.ofMinutes(5));

        FunctionRegistration replaced =
                store().replace(registration("echo", "v2")).orElseThrow();

        assertThat(replaced.description()).isEqualTo("v2");
        assertThat(replaced.createdAt()).isEqualTo(START);
        assertThat(replaced.updatedAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
        assertThat(replaced.revision()).isGreaterThan(created.revision());
        assertThat(store().get("echo")).contains(replaced);
    }

    @Test
    void replaceOfMissingIsEmptyAndCreatesNothing() {
        assertThat(store().replace(registration("ghost", ""))).isEmpty();
        assertThat(store().get("ghost")).isEmpty();
        assertThat(store().list()).isEmpty();
    }

    @Test
    void upsertCreatesThenReplaces() {
        FunctionRegistration first = store().upsert(registration("echo", "v1"));
        assertThat(first.createdAt()).isEqualTo(START);
        assertThat(first.updatedAt()).isEqualTo(START);
        assertThat(store().get("echo")).contains(first);

        clock.advance(Duration.ofSeconds(30));
        FunctionRegistration second = store().upsert(registration("echo", "v2"));

        assertThat(second.description()).isEqualTo("v2");
        assertThat(second.createdAt()).isEqualTo(START);
        assertThat(second.updatedAt()).isEqualTo(START.plusSeconds(30));
        assertThat(second.revision()).isGreaterThan(first.revision());
        assertThat(store().get("echo")).contains(second);
        assertThat(store().list()).hasSize(1);
    }

    @Test
    void listIsSortedByName() {
        for (String name : List.of("mango", "apple", "zebra", "kiwi", "a-1")) {
            store().create(registration(name, ""));
        }

        assertThat(store().list())
                .extracting(FunctionRegistration::name)
                .containsExactly("a-1", "apple", "kiwi", "mango", "zebra");
    }

    @Test
    void deleteReportsWhetherItExisted() {
        store().create(registration("echo", ""));
        store().create(registration("other", ""));

        assertThat(store().delete("echo")).isTrue();
        assertThat(store().get("echo")).isEmpty();
        assertThat(store().delete("echo")).isFalse();
        assertThat(store().list()).extracting(FunctionRegistration::name).containsExactly("other");
    }

    @Test
    void deletedNameCanBeCreatedAgainWithNewCreationTime() {
        store().create(registration("echo", "old"));
        store().delete("echo");
        clock.advance(Duration.ofHours(1));

        FunctionRegistration again = store().create(registration("echo", "new")).orElseThrow();

        assertThat(again.createdAt()).isEqualTo(START.plus(Duration.ofHours(1)));
        assertThat(again.description()).isEqualTo("new");
    }

    @Test
    void listenersReceiveNamesOfChangedFunctionsOnly() {
        List<String> seen = new CopyOnWriteArrayList<>();
        store().onChange(seen::add);

        store().create(registration("a", ""));
        store().replace(registration("a", "changed"));
        store().upsert(registration("b", ""));
        // failed changes announce nothing
        store().create(registration("a", "duplicate"));
        store().replace(registration("ghost", ""));
        assertThat(store().delete("ghost")).isFalse();
        // a last, successful change: announcements arrive in order, so anything spurious would precede it
        store().delete("a");

        awaitEquals(seen, List.of("a", "a", "b", "a"));
    }

    @Test
    void namespacesHoldSameNamedFunctionsApart() {
        FunctionStore teamA = store().inNamespace("team-a");
        FunctionStore teamB = store().inNamespace("team-b");
        List<String> heardByA = new CopyOnWriteArrayList<>();
        teamA.onChange(heardByA::add);

        FunctionRegistration a =
                teamA.create(registration("search", "of team a")).orElseThrow();
        FunctionRegistration b =
                teamB.create(registration("search", "of team b")).orElseThrow();

        assertThat(teamA.namespace()).isEqualTo("team-a");
        assertThat(teamA.get("search")).contains(a);
        assertThat(teamB.get("search")).contains(b);
        assertThat(store().get("search")).isEmpty();
        assertThat(store().list()).isEmpty();
        assertThat(store().namespaces()).containsExactly("team-a", "team-b");

        assertThat(teamB.delete("search")).isTrue();
        assertThat(teamA.get("search")).contains(a);
        assertThat(store().namespaces()).containsExactly("team-a");
        // team a's listener hears only team a's change
        teamA.delete("search");
        awaitEquals(heardByA, List.of("search", "search"));
    }

    @Test
    void deleteOwnedRemovesOnlyWhatThatOwnerWrote() {
        FunctionStore ns = store().inNamespace("team-a");
        ns.upsert(registration("owned", "").withOwner(new RegistrationOwner("uid-1", "gw")));
        ns.upsert(registration("by-hand", ""));

        assertThat(ns.deleteOwned("owned", "uid-2")).isFalse();
        assertThat(ns.deleteOwned("by-hand", "uid-1")).isFalse();
        assertThat(ns.deleteOwned("ghost", "uid-1")).isFalse();
        assertThat(ns.get("owned")).isPresent();
        assertThat(ns.get("owned").orElseThrow().owner()).contains(new RegistrationOwner("uid-1", "gw"));

        assertThat(ns.deleteOwned("owned", "uid-1")).isTrue();
        assertThat(ns.get("owned")).isEmpty();
        assertThat(ns.get("by-hand")).isPresent();
    }

    @Test
    void namespaceNamesAreDnsLabels() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store().inNamespace("Team_A"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store().inNamespace(" ").namespace()).isEqualTo(Namespaces.DEFAULT);
    }
}
