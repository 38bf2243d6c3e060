package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.InMemoryFunctionStore;
import dev.switchboard.registry.RegistrationValidator;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the catalog tells its listeners when registrations change: an update is a put, a name deleted and
 * registered again between two looks is the old function's removal too (its listen streams end), and an older
 * revision arriving late changes nothing.
 */
class FunctionCatalogTest {
    private static final Instant FIRST = Instant.parse("2026-12-01T10:00:00Z");

    private final PeriodicWork work = new PeriodicWork("test-periodic-work");
    private final FunctionCatalog catalog = new FunctionCatalog(new InMemoryFunctionStore(Clock.systemUTC()), work);
    private final List<String> removed = new ArrayList<>();
    private final List<Long> put = new ArrayList<>();

    FunctionCatalogTest() {
        catalog.onRemoved(removed::add);
        catalog.onPut(r -> put.add(r.revision()));
    }

    @AfterEach
    void close() {
        catalog.close();
        work.close();
    }

    private static FunctionRegistration stored(long revision, Instant created, String endpoint) throws IOException {
        JsonNode json = Json.MAPPER.readTree("{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + endpoint + "\"}");
        return RegistrationValidator.validate(json, created).stored(revision, created, created.plusSeconds(revision));
    }

    @Test
    void anUpdateIsAPutAndNoRemoval() throws IOException {
        catalog.put(stored(1, FIRST, "http://127.0.0.1:9001/mcp"));
        catalog.put(stored(2, FIRST, "http://127.0.0.1:9002/mcp"));

        assertThat(put).containsExactly(1L, 2L);
        assertThat(removed).isEmpty();
        assertThat(catalog.find("tools").orElseThrow().endpoint().toString()).endsWith(":9002/mcp");
    }

    @Test
    void aNameRegisteredAgainWithANewCreationTimeEndsTheOldFunction() throws IOException {
        catalog.put(stored(1, FIRST, "http://127.0.0.1:9001/mcp"));
        // the delete and the new registration both happened before this replica looked again
        catalog.put(stored(3, FIRST.plusSeconds(60), "http://127.0.0.1:9003/mcp"));

        assertThat(removed)
                .as("the old function's followers are told it is gone")
                .containsExactly("tools");
        assertThat(put).containsExactly(1L, 3L);
        assertThat(catalog.find("tools")).isPresent();
    }

    @Test
    void anOlderRevisionArrivingLateChangesNothing() throws IOException {
        catalog.put(stored(3, FIRST.plusSeconds(60), "http://127.0.0.1:9003/mcp"));
        catalog.put(stored(1, FIRST, "http://127.0.0.1:9001/mcp"));

        assertThat(put).containsExactly(3L);
        assertThat(removed).isEmpty();
        assertThat(catalog.find("tools").orElseThrow().revision()).isEqualTo(3);
    }
}
