package dev.switchboard.gateway.state;

import java.time.Duration;
import java.util.Optional;

/**
 * Expiring leases: at most one holder of a name at a time in the fleet. A holder renews its lease well
 * within its time-to-live; when it dies, the lease lapses and another replica may take it. A holder may keep a
 * short note with its lease, for the rest of the fleet to read (what it has done with what it holds): the note goes
 * when the lease does.
 */
public interface Leases {
    /**
     * @param holder who holds the lease
     * @param note   what the holder noted with it, "" when nothing
     */
    record Lease(String holder, String note) {}

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

    /**
     * Replaces the note kept with a lease, if this holder has it (its time-to-live is unchanged).
     *
     * @param name   what is leased
     * @param holder who notes
     * @param note   the note, "" for none
     * @return whether {@code holder} holds it (else nothing was noted)
     */
    boolean note(String name, String holder, String note);

    /**
     * @param name what is leased
     * @return its holder and note, or empty when nobody holds it
     */
    Optional<Lease> read(String name);
}
