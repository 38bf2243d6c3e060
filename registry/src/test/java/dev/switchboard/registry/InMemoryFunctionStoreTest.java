package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryFunctionStoreTest extends FunctionStoreContract {
    private InMemoryFunctionStore store;

    @BeforeEach
    void createStore() {
        store = new InMemoryFunctionStore(clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected FunctionStore store() {
        return store;
    }

    @Test
    void listenersRunSynchronouslyAndStopAfterClose() {
        List<String> seen = new ArrayList<>();
        store.onChange(seen::add);

        store.create(registration("echo", ""));
        assertThat(seen).containsExactly("echo");

        store.close();
        store.upsert(registration("other", ""));
        assertThat(seen).containsExactly("echo");
    }
}
