package dev.switchboard.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes Event (events.k8s.io/v1) on a resource each time its {@code Ready} condition changes status:
 * {@code Normal} when it becomes True, {@code Warning} when it becomes False, with the condition's reason and
 * message. Only on a change, never on every reconcile, so {@code kubectl describe} and {@code kubectl events}
 * show the resource's history without noise. An Event that cannot be written is logged, never fails the reconcile.
 */
public final class ReadyEvents {
    /** {@code reportingController} of the Events. */
    public static final String CONTROLLER = "switchboard.dev/operator";
    /** events.k8s.io/v1 limits {@code note} to 1 kB. */
    static final int MAX_NOTE = 1024;
    /** Resources whose last reported status is remembered; beyond, the resource's own status decides. */
    static final int MAX_REMEMBERED = 10_000;
    /** RFC 3339 with exactly six fractional digits, as the API server parses a MicroTime. */
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

    private static final Logger LOG = LoggerFactory.getLogger(ReadyEvents.class);

    private final Clock clock;
    private final String instance;
    /** Ready status last reported per resource uid; bounded, least recently reported dropped first. */
    private final Map<String, String> lastReported =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_REMEMBERED;
                }
            });

    /** @param clock time source of the Events */
    public ReadyEvents(Clock clock) {
        this.clock = clock;
        // the operator pod's name (Kubernetes sets HOSTNAME to it); a plain name in local runs
        this.instance = Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(h -> !h.isBlank())
                .orElse("switchboard-operator");
    }

    /**
     * Records an Event when the Ready status differs between the conditions the resource has and those about to
     * be written.
     *
     * @param resource the resource as last read (its status holds {@code before})
     * @param before   its current conditions, may be null
     * @param after    the conditions about to be written
     * @param client   client of the resource's cluster
     */
    public void onTransition(
            HasMetadata resource, List<Condition> before, List<Condition> after, KubernetesClient client) {
        Optional<Condition> now = Conditions.find(after, Conditions.READY);
        String previous = Conditions.find(before, Conditions.READY)
                .map(Condition::getStatus)
                .orElse(null);
        if (now.isEmpty() || Objects.equals(previous, now.get().getStatus())) {
            return;
        }
        // The resource as read may predate this operator's last status write (a reconcile that ran before the
        // informer saw it): the status last reported for it decides, so one transition makes one Event.
        String uid = resource.getMetadata().getUid();
        if (uid != null
                && Objects.equals(
                        lastReported.put(uid, now.get().getStatus()), now.get().getStatus())) {
            return;
        }
        Event event = eventOf(resource, now.get());
        try {
            client.events()
                    .v1()
                    .events()
                    .inNamespace(resource.getMetadata().getNamespace())
                    .resource(event)
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "Could not record the event {} on {} {}/{}: {}",
                    event.getReason(),
                    resource.getKind(),
                    resource.getMetadata().getNamespace(),
                    resource.getMetadata().getName(),
                    e.getMessage());
        }
    }

    Event eventOf(HasMetadata resource, Condition ready) {
        Instant now = Instant.now(clock);
        boolean isReady = "True".equals(ready.getStatus());
        String note = ready.getMessage() == null ? "" : ready.getMessage();
        if (note.length() > MAX_NOTE) {
            note = note.substring(0, MAX_NOTE - 3) + "...";
        }
        return new EventBuilder()
                .withNewMetadata()
                // unique like kubectl's: the resource's name and the time in nanoseconds, in hex
                .withName(resource.getMetadata().getName() + "."
                        + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
                .withNamespace(resource.getMetadata().getNamespace())
                .endMetadata()
                .withRegarding(new ObjectReferenceBuilder()
                        .withApiVersion(resource.getApiVersion())
                        .withKind(resource.getKind())
                        .withName(resource.getMetadata().getName())
                        .withNamespace(resource.getMetadata().getNamespace())
                        .withUid(resource.getMetadata().getUid())
                        .withResourceVersion(resource.getMetadata().getResourceVersion())
                        .build())
                .withType(isReady ? "Normal" : "Warning")
                .withReason(ready.getReason())
                .withNote(note)
                .withAction(isReady ? "BecameReady" : "BecameNotReady")
                .withEventTime(new MicroTime(MICRO_TIME.format(now)))
                .withReportingController(CONTROLLER)
                .withReportingInstance(instance)
                .build();
    }
}
