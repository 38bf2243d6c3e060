package dev.switchboard.operator.gateway;

import dev.switchboard.operator.ReadyEvents;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewayStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Reconciles an SseGateway into its ConfigMap, Deployment, Service, (with several replicas) a
 * PodDisruptionBudget and (unless the spec names one) a generated admin token Secret, all owned by the gateway so that deleting it deletes them. The workflow runs before
 * {@link #reconcile}; this class only reports what it sees.
 */
@ControllerConfiguration(name = SseGatewayReconciler.NAME)
@Workflow(
        dependents = {
            @Dependent(name = "config", type = GatewayConfigMapDependent.class),
            @Dependent(
                    name = "admin-token",
                    type = GatewayAdminTokenDependent.class,
                    reconcilePrecondition = NoAdminTokenSecretCondition.class),
            // After the ConfigMap: pods whose envFrom names a missing ConfigMap do not start.
            @Dependent(name = "deployment", type = GatewayDeploymentDependent.class, dependsOn = "config"),
            @Dependent(name = "service", type = GatewayServiceDependent.class),
            @Dependent(
                    name = "pdb",
                    type = GatewayPdbDependent.class,
                    reconcilePrecondition = MultipleReplicasCondition.class)
        })
public class SseGatewayReconciler implements Reconciler<SseGateway> {
    /** Controller name, also the field manager of its server-side applies. */
    public static final String NAME = "ssegateway";
    /** Re-check of a gateway that is not ready: notices a Secret created later, which no event announces. */
    public static final Duration NOT_READY_RECHECK = Duration.ofSeconds(10);
    /** Re-try of a gateway whose reconcile kept failing after JOSDK's own retries. */
    public static final Duration ERROR_RECHECK = Duration.ofMinutes(1);

    private final GatewayStatusFactory statuses;
    private final ReadyEvents events;
    private final Duration notReadyRecheck;

    public SseGatewayReconciler() {
        this(Clock.systemUTC(), NOT_READY_RECHECK);
    }

    /**
     * @param clock           time source of condition transitions
     * @param notReadyRecheck delay of the next reconcile while the gateway is not ready
     */
    public SseGatewayReconciler(Clock clock, Duration notReadyRecheck) {
        this.statuses = new GatewayStatusFactory(clock);
        this.events = new ReadyEvents(clock);
        this.notReadyRecheck = notReadyRecheck;
    }

    /**
     * A missing Secret is reported, not enforced: the Deployment is still created and its pods wait for the
     * Secret (CreateContainerConfigError), so that creating the Secret is all it takes to start them.
     */
    @Override
    public UpdateControl<SseGateway> reconcile(SseGateway gateway, Context<SseGateway> context) {
        List<ReferencedSecrets.Problem> problems = ReferencedSecrets.check(gateway, context.getClient());
        SseGatewayStatus status = statuses.observed(gateway, context.getSecondaryResource(Deployment.class), problems);
        events.onTransition(gateway, conditions(gateway), status.getConditions(), context.getClient());
        UpdateControl<SseGateway> control = UpdateControl.patchStatus(GatewayStatusFactory.patchOf(gateway, status));
        // Deployment events announce readiness changes; the timer is for what no event announces.
        return GatewayStatusFactory.isReady(status) ? control : control.rescheduleAfter(notReadyRecheck);
    }

    /**
     * Reports the failure on the resource (Ready False, {@code ReconcileError}) and retries with JOSDK's
     * back-off; once those retries are spent, keeps retrying on a slow timer instead of waiting for an event.
     */
    @Override
    public ErrorStatusUpdateControl<SseGateway> updateErrorStatus(
            SseGateway gateway, Context<SseGateway> context, Exception e) {
        SseGatewayStatus status = statuses.failed(gateway, e);
        events.onTransition(gateway, conditions(gateway), status.getConditions(), context.getClient());
        ErrorStatusUpdateControl<SseGateway> control =
                ErrorStatusUpdateControl.patchStatus(GatewayStatusFactory.patchOf(gateway, status));
        boolean retriesSpent =
                context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
        return retriesSpent ? control.withNoRetry().rescheduleAfter(ERROR_RECHECK) : control;
    }

    /** The referenced Secrets: a rotated value rolls the pods (see {@link GatewaySecrets}). */
    @Override
    public List<EventSource<?, SseGateway>> prepareEventSources(EventSourceContext<SseGateway> context) {
        return List.of(GatewaySecrets.eventSource(context));
    }

    private static List<Condition> conditions(SseGateway gateway) {
        return gateway.getStatus() == null ? null : gateway.getStatus().getConditions();
    }
}
