package dev.switchboard.gateway.state;

import java.time.Duration;

/**
 * Expiring leases: at most one holder of a name at a time in the fleet. A holder renews its lease well
 * within its time-to-live; when it dies, the lease lapses and another replica may take it.
 */
public interface Leases {
    /**
     * Takes a free lease, or renews one this holder already has.
     *
     * @param name   what is leased
     * @param holder who asks (a replica id)
     * @param ttl    how long it lasts without renewal
     * @return whether {@code holder} holds it now
     */
    boolean acquire(String name, String holder, Duration ttl);

    /**
     * Gives a lease up, if this holder has it.
     *
     * @param name   what is leased
     * @param holder who gives it up
     */
    void release(String name, String holder);
}
