package dev.switchboard.gateway.net;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells one sleeping watcher that something it samples has changed, so that it can stop waking on a clock to
 * find nothing new. It sits on hot paths (every event written, every call), where it costs one volatile read
 * while no one waits; the watcher it wakes is told once, and must arm it again for the next change.
 */
public final class ChangeSignal {
    private final AtomicReference<Runnable> watcher = new AtomicReference<>();

    /** Something changed: the armed watcher, if any, is told now, on the caller's thread. */
    public void changed() {
        if (watcher.get() != null) {
            Runnable armed = watcher.getAndSet(null);
            if (armed != null) {
                armed.run();
            }
        }
    }

    /**
     * @param onChange run at the next {@link #changed}, once; it must not block (it runs on the thread that
     *                 changed something, an event loop among them). It replaces a watcher armed before.
     */
    public void onNextChange(Runnable onChange) {
        watcher.set(onChange);
    }
}
